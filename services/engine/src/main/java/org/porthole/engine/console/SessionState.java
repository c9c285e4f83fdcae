package org.porthole.engine.console;

import java.util.Locale;

/** Where a console session is: issued → connected (VNC initialized) → closed (disconnected). */
public enum SessionState {
  ISSUED,
  CONNECTED,
  CLOSED;

  /** The stored and wire name: {@code issued}, {@code connected}, {@code closed}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SessionState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
