package org.porthole.nativeviewer.engine;

import java.util.List;

/**
 * A VM as the engine lists it for the signed-in user.
 *
 * @param guest the guest agent's state in a word ({@code unlocked}, {@code locked}, {@code
 *     logged-off}, {@code unresponsive}, {@code -} when no guest agent reported)
 * @param permissions the user's permissions on it, e.g. {@code console.view}, {@code
 *     console.connect}
 */
public record Vm(String id, String name, String state, String guest, List<String> permissions) {

  /** The console modes these permissions allow: {@code interactive}, {@code view}, or none. */
  public String mode() {
    if (permissions.contains("console.connect")
        || permissions.contains("console.takeover")
        || permissions.contains("admin")) {
      return "interactive";
    }
    return permissions.contains("console.view") ? "view" : "-";
  }
}
