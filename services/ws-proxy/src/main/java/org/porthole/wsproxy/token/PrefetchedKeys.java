package org.porthole.wsproxy.token;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import org.porthole.token.VerificationKeys;

/**
 * Two views of one key source (normally the engine's JWKS over HTTP) so that token verification
 * never waits for the network on an event loop: the {@link #nonBlocking()} view answers only from
 * keys already fetched and never fetches; the {@link #blocking()} view may fetch and is used only
 * on the verification executor. The source is fetched at start ({@link #prefetch()}) and again when
 * a token names an unknown {@code kid} (the source itself limits that to once per 10 s).
 *
 * <p>Threading: both views may be used from any thread; {@code loaded} is the only shared state.
 */
public final class PrefetchedKeys {

  private final VerificationKeys source;
  private volatile boolean loaded;

  public PrefetchedKeys(VerificationKeys source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Fetches the key set now (blocking); true when it was fetched. Never call on an event loop. */
  public boolean prefetch() {
    boolean fetched = source.refresh();
    if (fetched) {
      loaded = true;
    }
    return fetched;
  }

  /** True once a key set has been fetched. */
  public boolean loaded() {
    return loaded;
  }

  /** Keys already in memory; {@code refresh()} is a no-op, so lookups never block. */
  public VerificationKeys nonBlocking() {
    return new VerificationKeys() {
      @Override
      public Optional<PublicKey> find(String kid) {
        return loaded ? source.find(kid) : Optional.empty();
      }

      @Override
      public boolean refresh() {
        return false;
      }
    };
  }

  /** The source itself, which may fetch over the network. Only for the verification executor. */
  public VerificationKeys blocking() {
    return new VerificationKeys() {
      @Override
      public Optional<PublicKey> find(String kid) {
        Optional<PublicKey> key = source.find(kid);
        if (key.isPresent()) {
          loaded = true;
        }
        return key;
      }

      @Override
      public boolean refresh() {
        boolean fetched = source.refresh();
        if (fetched) {
          loaded = true;
        }
        return fetched;
      }
    };
  }
}
