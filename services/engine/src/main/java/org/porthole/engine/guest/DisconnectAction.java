package org.porthole.engine.guest;

import java.util.Arrays;
import java.util.Optional;

/**
 * What happens to the guest's session when its console disconnects (issue 4), with its REST and
 * database name and its wire value. {@link #LOCK_SCREEN} is the default.
 */
public enum DisconnectAction {
  LOCK_SCREEN(
      "lock-screen", org.porthole.api.hostagent.v1.DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN),
  LOG_OFF("log-off", org.porthole.api.hostagent.v1.DisconnectAction.DISCONNECT_ACTION_LOG_OFF),
  SHUTDOWN("shutdown", org.porthole.api.hostagent.v1.DisconnectAction.DISCONNECT_ACTION_SHUTDOWN),
  REBOOT("reboot", org.porthole.api.hostagent.v1.DisconnectAction.DISCONNECT_ACTION_REBOOT),
  NONE("none", org.porthole.api.hostagent.v1.DisconnectAction.DISCONNECT_ACTION_NONE);

  private final String wireName;
  private final org.porthole.api.hostagent.v1.DisconnectAction proto;

  DisconnectAction(String wireName, org.porthole.api.hostagent.v1.DisconnectAction proto) {
    this.wireName = wireName;
    this.proto = proto;
  }

  /** The name in REST bodies and in the database ({@code lock-screen}, ...). */
  public String wireName() {
    return wireName;
  }

  org.porthole.api.hostagent.v1.DisconnectAction proto() {
    return proto;
  }

  /** The action named {@code name} ({@code lock-screen}, ...), if there is one. */
  public static Optional<DisconnectAction> parse(String name) {
    return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
  }

  /** The action of a wire value; unknown or unspecified values have none. */
  static Optional<DisconnectAction> fromProto(
      org.porthole.api.hostagent.v1.DisconnectAction value) {
    return Arrays.stream(values()).filter(a -> a.proto == value).findFirst();
  }
}
