package org.porthole.nativeviewer.signin;

import java.time.Clock;
import java.util.function.Function;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;

/**
 * {@code Authorization: Bearer} from the stored device sign-in: refreshed (and stored again) when
 * the access token has less than a minute to live, so a console that reconnects an hour later still
 * signs in without asking the user.
 */
public final class StoredBearer implements EngineAuthorization {
  private static final long MARGIN_SECONDS = 60;

  private final TokenStore store;
  private final Function<String, OidcClient> clients;
  private final Clock clock;

  /**
   * @param clients the OIDC client for a realm URL (the one the tokens came from)
   */
  public StoredBearer(TokenStore store, Function<String, OidcClient> clients, Clock clock) {
    this.store = store;
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public synchronized String header() {
    OidcTokens tokens =
        store
            .load()
            .orElseThrow(
                () ->
                    new ViewerFailure(
                        ExitCode.SIGN_IN, "not signed in: run porthole-viewer login (or kinit)"));
    if (!tokens.accessUsable(clock.instant(), MARGIN_SECONDS)) {
      if (!tokens.refreshUsable(clock.instant())) {
        throw new ViewerFailure(
            ExitCode.SIGN_IN, "your sign-in has expired: run porthole-viewer login again");
      }
      tokens = clients.apply(tokens.realmUrl()).refresh(tokens);
      store.save(tokens);
    }
    return "Bearer " + tokens.accessToken();
  }

  @Override
  public String method() {
    return "OIDC";
  }
}
