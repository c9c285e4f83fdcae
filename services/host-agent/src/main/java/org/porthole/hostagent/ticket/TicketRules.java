package org.porthole.hostagent.ticket;

import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * What a graphics ticket may look like: a VNC password of 1 to 8 printable ASCII characters (VNC's
 * DES authentication uses at most 8) valid for 1 to 600 seconds.
 */
public final class TicketRules {
  public static final int MAX_PASSWORD_CHARS = 8;
  public static final int MIN_SECONDS = 1;
  public static final int MAX_SECONDS = 600;
  private static final char FIRST_PRINTABLE = 0x20;
  private static final char LAST_PRINTABLE = 0x7e;

  private TicketRules() {}

  /** BAD_REQUEST naming the rule broken; the password itself is never quoted. */
  public static void validate(String password, int validSeconds) throws AgentException {
    if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_CHARS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "password must be 1-" + MAX_PASSWORD_CHARS + " characters");
    }
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c < FIRST_PRINTABLE || c > LAST_PRINTABLE) {
        throw new AgentException(
            PortholeStatus.BAD_REQUEST,
            "password must be printable ASCII (character " + (i + 1) + " is not)");
      }
    }
    if (validSeconds < MIN_SECONDS || validSeconds > MAX_SECONDS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST,
          "valid_seconds must be " + MIN_SECONDS + ".." + MAX_SECONDS + ", got " + validSeconds);
    }
  }
}
