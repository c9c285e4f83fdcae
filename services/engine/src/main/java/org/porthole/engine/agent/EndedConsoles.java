package org.porthole.engine.agent;

import java.util.Locale;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.EndConsolesResponse;

/**
 * What a host agent did on {@code EndConsoles}: relays closed, and when the disconnect action was
 * asked, which one it applied and whether the guest confirmed it.
 *
 * @param disconnectAction the action's REST name ({@code lock-screen}, …); empty when none was
 *     applied
 * @param actionDetail why the action is not confirmed (no guest agent, unresponsive); never a
 *     secret
 */
public record EndedConsoles(
    int endedRelays, String disconnectAction, boolean actionConfirmed, String actionDetail) {

  private static final String WIRE_PREFIX = "DISCONNECT_ACTION_";
  private static final int MAX_DETAIL = 256;

  static EndedConsoles of(EndConsolesResponse response) {
    return new EndedConsoles(
        response.getEndedRelays(),
        actionName(response.getDisconnectAction()),
        response.getDisconnectActionConfirmed(),
        bounded(response.getDisconnectActionDetail()));
  }

  /** {@code DISCONNECT_ACTION_LOCK_SCREEN} → {@code lock-screen}; unset or unknown → empty. */
  static String actionName(DisconnectAction action) {
    if (action == DisconnectAction.DISCONNECT_ACTION_UNSPECIFIED
        || action == DisconnectAction.UNRECOGNIZED) {
      return "";
    }
    return action.name().substring(WIRE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String bounded(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL);
  }
}
