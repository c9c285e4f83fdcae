package org.porthole.guestagent.desktop;

import java.util.Locale;

/** The user session state the guest reports; {@code UNKNOWN} is never taken for locked. */
public enum SessionState {
  LOCKED,
  UNLOCKED,
  LOGGED_OFF,
  UNKNOWN;

  /** The wire spelling: {@code locked}, {@code unlocked}, {@code logged-off}, {@code unknown}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
