package org.porthole.wsproxy.harness;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.Ed25519Key;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenSigner;
import org.porthole.token.TokenVerifier;
import org.porthole.wsproxy.server.ProxyConfig;
import org.porthole.wsproxy.token.ConsoleAuthenticator;

/**
 * Signs console tokens the way the engine does, and builds a proxy configuration that trusts them.
 */
public final class TestTokens {

  public static final String ISSUER = "porthole-engine";
  public static final String AUDIENCE = "porthole-console";
  public static final String ORIGIN = "http://localhost:8080";

  private final Ed25519Key key;
  private final TokenSigner signer;

  public TestTokens(String kid) {
    this.key = Ed25519Key.generate(kid);
    this.signer = new TokenSigner(key);
  }

  public TestTokens() {
    this("test-key-1");
  }

  public Ed25519Key key() {
    return key;
  }

  /** A valid VNC token for {@code hostId}. */
  public String sign(String hostId) {
    return sign(hostId, ConsoleClaims.CHANNEL_VNC);
  }

  /** A valid token for {@code hostId} and {@code channel}. */
  public String sign(String hostId, String channel) {
    return signer.sign(claims(hostId, channel, UUID.randomUUID().toString()));
  }

  /** Claims as the engine issues them, valid for 60 s from now. */
  public static ConsoleClaims claims(String hostId, String channel, String vmUuid) {
    Instant now = Instant.now();
    return new ConsoleClaims(
        ISSUER,
        AUDIENCE,
        "alice",
        UUID.randomUUID().toString(),
        vmUuid,
        hostId,
        channel,
        now,
        now,
        now.plusSeconds(60),
        UUID.randomUUID().toString(),
        ConsoleClaims.MODE_INTERACTIVE);
  }

  /**
   * An authenticator that trusts exactly this key, verifying on the calling thread (no fetching).
   */
  public ConsoleAuthenticator authenticator() {
    TokenVerifier verifier =
        new TokenVerifier(
            new StaticKeys(Map.of(key.kid(), key.publicKey())),
            ISSUER,
            AUDIENCE,
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
        ISSUER,
        AUDIENCE,
        Optional.empty(),
        Optional.empty());
  }

  /** The default test configuration: 256 KiB frames, 20 s pings. */
  public static ProxyConfig config() {
    return config(256 * 1024, Duration.ofSeconds(20), URI.create("http://127.0.0.1:9/jwks"));
  }
}
