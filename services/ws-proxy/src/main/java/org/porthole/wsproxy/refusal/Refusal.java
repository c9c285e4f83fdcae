package org.porthole.wsproxy.refusal;

import java.util.Objects;
import org.porthole.status.PortholeStatus;

/**
 * One connection the proxy refused: the status it answered, a reason safe to store and show, and
 * the client address as the proxy saw it. Never carries a token or any other secret.
 *
 * @param status the status answered (its HTTP code before the upgrade, its close code after)
 * @param reason why, in words that contain no secret
 * @param clientAddress {@code ip:port} of the client
 */
public record Refusal(PortholeStatus status, String reason, String clientAddress) {

  public Refusal {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(clientAddress, "clientAddress");
  }

  /** A refusal without token claims. */
  public static Refusal of(PortholeStatus status, String reason, String clientAddress) {
    return new Refusal(status, reason, clientAddress);
  }
}
