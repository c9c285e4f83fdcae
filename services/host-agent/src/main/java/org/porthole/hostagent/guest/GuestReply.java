package org.porthole.hostagent.guest;

import java.util.Map;

/**
 * A guest's {@code ok} reply to a command and its state right after it.
 *
 * @param result the reply's result object, as parsed (guest input: read it defensively)
 * @param state the guest's snapshot once the reply was applied
 */
public record GuestReply(Map<String, Object> result, GuestSnapshot state) {
  public GuestReply {
    result = Map.copyOf(result);
  }

  /** The {@code session} the result names, UNKNOWN when absent or not a known value. */
  public GuestSnapshot.Session session() {
    return GuestSnapshot.Session.of(result.get("session"));
  }
}
