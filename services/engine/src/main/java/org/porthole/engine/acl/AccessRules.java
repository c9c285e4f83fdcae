package org.porthole.engine.acl;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.auth.Caller;

/**
 * The ACL rules as a pure function, so they are tested without a database: the realm role {@code
 * porthole-admin} holds everything everywhere; otherwise a user holds the union of what every entry
 * for them or one of their groups grants on the VM itself or on one of its tags, with the implied
 * permissions ({@link Permission#withImplied()}).
 */
public final class AccessRules {

  private AccessRules() {}

  /** What {@code who} may do on the VM {@code vmId} carrying {@code vmTags}. */
  public static Set<Permission> permissions(
      Caller who, UUID vmId, Set<String> vmTags, Collection<AclEntry> entries) {
    if (who.admin()) {
      return EnumSet.allOf(Permission.class);
    }
    String vm = vmId.toString();
    Set<Permission> held = EnumSet.noneOf(Permission.class);
    for (AclEntry entry : entries) {
      if (entry.appliesTo(who.name(), who.groups()) && entry.covers(vm, vmTags)) {
        held.addAll(entry.permission().withImplied());
      }
    }
    return held;
  }

  /** True when {@code who} holds {@code admin} on the tag itself (not through a VM). */
  public static boolean adminOfTag(Caller who, String tag, Collection<AclEntry> entries) {
    if (who.admin()) {
      return true;
    }
    return entries.stream()
        .anyMatch(
            e ->
                e.objectKind() == AclEntry.ObjectKind.TAG
                    && e.object().equals(tag)
                    && e.permission() == Permission.ADMIN
                    && e.appliesTo(who.name(), who.groups()));
  }

  /**
   * The permission a console of {@code mode} needs: view needs console.view, interactive
   * console.connect.
   */
  public static Permission neededFor(ConsoleMode mode) {
    return mode == ConsoleMode.VIEW ? Permission.CONSOLE_VIEW : Permission.CONSOLE_CONNECT;
  }
}
