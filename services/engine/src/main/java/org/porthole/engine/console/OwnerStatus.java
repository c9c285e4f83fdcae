package org.porthole.engine.console;

import java.util.Optional;
import org.porthole.engine.auth.DirectoryUser;

/**
 * What the directory says about a console's owner now: known (with their groups and role), missing
 * (deleted), or unknown because the directory could not be asked.
 */
public record OwnerStatus(Optional<DirectoryUser> user, boolean directoryAvailable) {

  public static OwnerStatus of(Optional<DirectoryUser> user) {
    return new OwnerStatus(user, true);
  }

  public static OwnerStatus unavailable() {
    return new OwnerStatus(Optional.empty(), false);
  }
}
