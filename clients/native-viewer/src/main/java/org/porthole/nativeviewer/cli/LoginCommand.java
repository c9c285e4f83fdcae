package org.porthole.nativeviewer.cli;

import org.porthole.nativeviewer.ViewerFailure;
import org.porthole.nativeviewer.signin.OidcClient;
import org.porthole.nativeviewer.signin.OidcTokens;
import org.porthole.nativeviewer.signin.StoredBearer;
import org.porthole.nativeviewer.signin.TokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code login}: Kerberos when the user holds a ticket the engine accepts (nothing is stored), else
 * the OIDC device flow: the URL and code are printed, the user approves in any browser, and the
 * tokens are stored owner-only and refreshed from then on.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description =
        "Signs in: with your Kerberos ticket (kinit) when the engine accepts it, else with the"
            + " device flow (open the printed URL in any browser, enter the code). Tokens are"
            + " kept in your config directory (mode 0600) and refreshed; they are never printed.")
final class LoginCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--device", description = "use the device flow even when Kerberos works")
  boolean device;

  private final ViewerContext context;

  LoginCommand(ViewerContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    TokenStore store = context.store();
    if (!device) {
      try {
        String user = context.engine(context.kerberos()).me();
        store.delete();
        context.out.println("signed in as " + user + " with your Kerberos ticket (nothing stored)");
        return 0;
      } catch (ViewerFailure kerberosFailed) {
        context.err.println(
            "porthole-viewer: Kerberos sign-in not possible ("
                + kerberosFailed.getMessage()
                + "); using the device flow");
      }
    }
    OidcClient oidc = context.oidc();
    OidcClient.DeviceCode code = oidc.startDeviceSignIn();
    context.err.println("To sign in, open " + code.verificationUri());
    context.err.println("and enter the code " + code.userCode());
    context.err.println("(or open " + code.verificationUriComplete() + ")");
    OidcTokens tokens = oidc.awaitDeviceTokens(code);
    store.save(tokens);
    String user = context.engine(new StoredBearer(store, context::oidc, context.clock)).me();
    context.out.println("signed in as " + user + " (tokens in " + store.file() + ")");
    return 0;
  }
}
