package org.porthole.token;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Where a {@link TokenVerifier} finds the public key for a {@code kid}. Implementations must be
 * safe to call from many threads.
 */
public interface VerificationKeys {

  /** The key for {@code kid}, if known now. */
  Optional<PublicKey> find(String kid);

  /**
   * Asks for a fresher key set (e.g. after an unknown {@code kid}); implementations rate-limit.
   *
   * @return true when a new key set was loaded
   */
  boolean refresh();
}
