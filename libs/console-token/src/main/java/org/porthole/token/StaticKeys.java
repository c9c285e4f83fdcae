package org.porthole.token;

import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;

/** A fixed key set: for tests, and for a verifier that lives in the same process as the signer. */
public final class StaticKeys implements VerificationKeys {

  private final Map<String, PublicKey> keys;

  public StaticKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  @Override
  public Optional<PublicKey> find(String kid) {
    return kid == null ? Optional.empty() : Optional.ofNullable(keys.get(kid));
  }

  /** A fixed set never changes: always false. */
  @Override
  public boolean refresh() {
    return false;
  }
}
