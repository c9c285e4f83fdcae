package org.porthole.engine.acl;

import java.util.Optional;
import org.porthole.token.ConsoleClaims;

/**
 * How a console may be used: {@code interactive} (keys and pointer reach the VM) or {@code view}
 * (picture only; the host agent drops input). View consoles never hold a VM's console.
 */
public enum ConsoleMode {
  INTERACTIVE(ConsoleClaims.MODE_INTERACTIVE),
  VIEW(ConsoleClaims.MODE_VIEW);

  private final String wireName;

  ConsoleMode(String wireName) {
    this.wireName = wireName;
  }

  /** The stored, wire and token claim name. */
  public String wireName() {
    return wireName;
  }

  public static Optional<ConsoleMode> parse(String wireName) {
    for (ConsoleMode mode : values()) {
      if (mode.wireName.equals(wireName)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
