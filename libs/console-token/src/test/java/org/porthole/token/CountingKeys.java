package org.porthole.token;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Key set that counts look-ups and refreshes; a refresh may install the next key set. */
final class CountingKeys implements VerificationKeys {

  final AtomicInteger finds = new AtomicInteger();
  final AtomicInteger refreshes = new AtomicInteger();
  private volatile Map<String, PublicKey> keys;
  private volatile Map<String, PublicKey> afterRefresh;

  CountingKeys(Map<String, PublicKey> keys, Map<String, PublicKey> afterRefresh) {
    this.keys = new HashMap<>(keys);
    this.afterRefresh = afterRefresh;
  }

  @Override
  public Optional<PublicKey> find(String kid) {
    finds.incrementAndGet();
    return Optional.ofNullable(keys.get(kid));
  }

  @Override
  public boolean refresh() {
    refreshes.incrementAndGet();
    if (afterRefresh == null) {
      return false;
    }
    keys = afterRefresh;
    afterRefresh = null;
    return true;
  }
}
