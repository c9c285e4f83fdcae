package org.porthole.hostagent.sso;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayedConsole;

/**
 * The console sessions whose interactive relay QEMU accepted and that have not ended: an SSO stream
 * opens only beside one, and ends with it. Learned from the relays' events, so the SSO relays need
 * nothing of the console relays' insides. Thread-safe; the end of a session's last relay is passed
 * on outside the lock.
 */
public final class LiveSessions implements RelayListener {
  private final Map<String, Integer> relays = new HashMap<>();
  private volatile BiConsumer<String, String> onEnded = (vm, sid) -> {};

  /** {@code listener} hears (vm, session) when the session's last interactive relay ended. */
  public void onEnded(BiConsumer<String, String> listener) {
    this.onEnded = listener;
  }

  /** True while an interactive console of {@code sessionId} on {@code vmUuid} relays. */
  public synchronized boolean live(String vmUuid, String sessionId) {
    return relays.containsKey(key(vmUuid, sessionId));
  }

  @Override
  public void authenticated(RelayedConsole console) {
    if (console.viewOnly()) {
      return;
    }
    synchronized (this) {
      relays.merge(key(console.vmUuid(), console.sessionId()), 1, Integer::sum);
    }
  }

  @Override
  public void ended(RelayedConsole console) {
    if (console.viewOnly() || !console.authenticated()) {
      return;
    }
    boolean last;
    synchronized (this) {
      Integer left =
          relays.computeIfPresent(
              key(console.vmUuid(), console.sessionId()), (k, n) -> n > 1 ? n - 1 : null);
      last = left == null;
    }
    if (last) {
      onEnded.accept(console.vmUuid(), console.sessionId());
    }
  }

  private static String key(String vmUuid, String sessionId) {
    return vmUuid.toLowerCase(Locale.ROOT) + '/' + sessionId;
  }
}
