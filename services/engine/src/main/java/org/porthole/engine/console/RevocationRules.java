package org.porthole.engine.console;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.porthole.engine.acl.AccessRules;
import org.porthole.engine.acl.AclEntry;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;

/**
 * Whether a live console may stay open, as a pure function: its owner must still exist, be enabled,
 * and hold the permission its mode needs (through their current groups). When the directory cannot
 * be asked, directory grounds are not used: the owner's groups and role at issue stand in, so a
 * deleted ACL still ends the console.
 */
public final class RevocationRules {

  private RevocationRules() {}

  /**
   * Why the session must end, or empty when it may stay.
   *
   * @param entries every ACL entry for the owner (by name or by one of the groups judged with)
   */
  public static Optional<String> whyEnd(
      ConsoleSession session, OwnerStatus owner, Collection<AclEntry> entries, Set<String> vmTags) {
    Caller judged = judgedAs(session, owner);
    if (owner.directoryAvailable() && owner.user().isEmpty()) {
      return Optional.of("access revoked: user " + session.owner() + " no longer exists");
    }
    if (owner.directoryAvailable() && !owner.user().get().enabled()) {
      return Optional.of("access revoked: user " + session.owner() + " is disabled");
    }
    Permission needed = AccessRules.neededFor(session.mode());
    if (!AccessRules.permissions(judged, session.vmId(), vmTags, entries).contains(needed)) {
      return Optional.of(
          "access revoked: " + needed.wireName() + " no longer held on VM " + session.vmId());
    }
    return Optional.empty();
  }

  /** Who the owner is judged as: as the directory sees them now, else as they were at issue. */
  public static Caller judgedAs(ConsoleSession session, OwnerStatus owner) {
    Optional<DirectoryUser> user = owner.user();
    if (!owner.directoryAvailable() || user.isEmpty()) {
      return session.ownerAtIssue();
    }
    return new Caller(session.owner(), user.get().groups(), user.get().admin(), "");
  }
}
