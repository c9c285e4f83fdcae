package org.porthole.bench.relay;

import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.Ed25519Key;
import org.porthole.token.TokenSigner;

/**
 * Signs console tokens as the engine does (claims of docs/contracts.md, fresh {@code jti} and
 * session per console, 60 s lifetime). A pool can be signed ahead of a phase so that signing does
 * not compete with the relay during the connection-rate measurement. Thread-safe.
 *
 * <p>Not test-support's {@code TokenMint}: that one signs with the JDK, a second implementation of
 * the format that checks the production verifier from outside; this one signs with the production
 * {@link TokenSigner} on purpose, because the bench plays the engine and {@link TokenSpeed}
 * measures that signer.
 */
final class PresignedTokens {
  static final String ISSUER = "porthole-engine";
  static final String AUDIENCE = "porthole-console";
  private static final long LIFETIME_SECONDS = 60;

  private final TokenSigner signer;
  private final Map<String, Queue<String>> pools = new ConcurrentHashMap<>();

  PresignedTokens(Ed25519Key key) {
    this.signer = new TokenSigner(key);
  }

  /** A token for one console on {@code hostId}: from the pool when one is left, else signed now. */
  String next(String hostId) {
    String pooled = pool(hostId).poll();
    return pooled != null ? pooled : sign(hostId);
  }

  /**
   * Signs {@code count} tokens for {@code hostId} ahead of use (they live 60 s), dropping older
   * ones.
   */
  void presign(String hostId, int count) {
    Queue<String> pool = pool(hostId);
    pool.clear();
    IntStream.range(0, count).parallel().forEach(i -> pool.add(sign(hostId)));
  }

  String sign(String hostId) {
    Instant now = Instant.now();
    return signer.sign(
        new ConsoleClaims(
            ISSUER,
            AUDIENCE,
            "bench",
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString(),
            hostId,
            ConsoleClaims.CHANNEL_VNC,
            now,
            now,
            now.plusSeconds(LIFETIME_SECONDS),
            UUID.randomUUID().toString(),
            ConsoleClaims.MODE_INTERACTIVE));
  }

  private Queue<String> pool(String hostId) {
    return pools.computeIfAbsent(hostId, h -> new ConcurrentLinkedQueue<>());
  }
}
