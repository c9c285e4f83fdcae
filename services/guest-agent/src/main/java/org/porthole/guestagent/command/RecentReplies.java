package org.porthole.guestagent.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.porthole.guest.protocol.Message;

/**
 * The replies to the most recent request ids, so a re-sent id (the host retrying after a reconnect)
 * gets the same reply and the action runs at most once. A future stands in while the first run is
 * still going. Bounded: the oldest id is forgotten past {@code capacity}. Thread-safe.
 */
public final class RecentReplies {
  /** How many ids the agent remembers (docs/guest-protocol.md, "Limits"). */
  public static final int DEFAULT_CAPACITY = 1024;

  private final Map<String, CompletableFuture<Message>> replies;

  public RecentReplies(int capacity) {
    this.replies =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(
              Map.Entry<String, CompletableFuture<Message>> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Claims {@code id}: returns {@code null} when the id is new (the caller must complete {@code
   * fresh}), else the earlier reply's future.
   */
  public synchronized CompletableFuture<Message> claim(
      String id, CompletableFuture<Message> fresh) {
    CompletableFuture<Message> earlier = replies.get(id);
    if (earlier != null) {
      return earlier;
    }
    replies.put(id, fresh);
    return null;
  }

  public synchronized int size() {
    return replies.size();
  }
}
