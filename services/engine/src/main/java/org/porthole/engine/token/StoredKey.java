package org.porthole.engine.token;

import java.time.Instant;

/**
 * A signing key as stored in {@code signing_keys}.
 *
 * @param privatePkcs8 the private key (PKCS#8); never logged
 * @param publicX509 the public key (X.509 SubjectPublicKeyInfo)
 * @param retiredAt null while the key signs
 */
public record StoredKey(
    String kid, byte[] privatePkcs8, byte[] publicX509, Instant createdAt, Instant retiredAt) {

  /** Key material stays out of {@code toString}. */
  @Override
  public String toString() {
    return "StoredKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
  }
}
