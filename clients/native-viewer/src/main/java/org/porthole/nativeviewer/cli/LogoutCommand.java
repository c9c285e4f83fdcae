package org.porthole.nativeviewer.cli;

import java.util.Optional;
import org.porthole.nativeviewer.ViewerFailure;
import org.porthole.nativeviewer.signin.OidcTokens;
import org.porthole.nativeviewer.signin.TokenStore;
import picocli.CommandLine.Command;

/** {@code logout}: ends the device-flow session at Keycloak and forgets its tokens. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description =
        "Forgets the stored tokens and ends their session at Keycloak. A Kerberos ticket is"
            + " yours to drop (kdestroy).")
final class LogoutCommand implements java.util.concurrent.Callable<Integer> {
  private final ViewerContext context;

  LogoutCommand(ViewerContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    TokenStore store = context.store();
    Optional<OidcTokens> tokens = store.load();
    if (tokens.isEmpty()) {
      context.out.println("no stored sign-in (a Kerberos ticket is dropped with kdestroy)");
      return 0;
    }
    try {
      context.oidc(tokens.get().realmUrl()).logout(tokens.get());
    } catch (ViewerFailure unreachable) {
      context.err.println("porthole-viewer: Keycloak not told (" + unreachable.getMessage() + ")");
    }
    store.delete();
    context.out.println("signed out; stored tokens deleted");
    return 0;
  }
}
