package org.porthole.wsproxy.harness;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.token.JwksTrust;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenVerifier;
import org.porthole.wsproxy.server.ProxyConfig;
import org.porthole.wsproxy.token.ConsoleAuthenticator;

/** The proxy's own test wiring: a configuration for loopback and an authenticator for a mint. */
public final class ProxyFixtures {
  /** The one browser origin the test configuration allows. */
  public static final String ORIGIN = "http://localhost:8080";

  private ProxyFixtures() {}

  /**
   * An authenticator that trusts exactly the key of {@code mint}, verifying on the calling thread
   * (no fetching).
   */
  public static ConsoleAuthenticator authenticator(TokenMint mint) {
    TokenVerifier verifier =
        new TokenVerifier(
            new StaticKeys(mint.publicKeys()),
            TokenClaims.ISSUER,
            TokenClaims.AUDIENCE,
            Clock.systemUTC());
    return new ConsoleAuthenticator(verifier, verifier, Runnable::run, Runnable::run);
  }

  /** A proxy configuration on a free loopback port for tests. */
  public static ProxyConfig config(int maxFrameBytes, Duration ping, URI jwks) {
    return new ProxyConfig(
        "127.0.0.1",
        0,
        Set.of(ORIGIN),
        maxFrameBytes,
        ping,
        jwks,
        JwksTrust.systemDefault(),
        TokenClaims.ISSUER,
        TokenClaims.AUDIENCE,
        Optional.empty(),
        Optional.empty());
  }

  /** The default test configuration: 256 KiB frames, 20 s pings. */
  public static ProxyConfig config() {
    return config(256 * 1024, Duration.ofSeconds(20), URI.create("http://127.0.0.1:9/jwks"));
  }
}
