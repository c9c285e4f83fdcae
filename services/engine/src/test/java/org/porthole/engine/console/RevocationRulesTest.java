package org.porthole.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.acl.AclEntry;
import org.porthole.engine.acl.AclEntry.ObjectKind;
import org.porthole.engine.acl.AclEntry.SubjectKind;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;

class RevocationRulesTest {

  private static final UUID VM = UUID.randomUUID();
  private static final Instant NOW = Instant.parse("2026-11-22T14:00:00Z");

  private static ConsoleSession session(ConsoleMode mode, Set<String> groupsAtIssue) {
    return ConsoleSession.issued(
        UUID.randomUUID(),
        VM,
        "127.0.0.1:9443",
        new Caller("alice", groupsAtIssue, false, "10.0.0.1"),
        "vnc",
        mode,
        NOW,
        NOW.plusSeconds(120));
  }

  private static AclEntry groupGrant(String group, Permission permission) {
    return new AclEntry(
        1, SubjectKind.GROUP, group, ObjectKind.VM, VM.toString(), permission, "admin", NOW);
  }

  private static OwnerStatus inDirectory(boolean enabled, Set<String> groups) {
    return OwnerStatus.of(Optional.of(new DirectoryUser("alice", enabled, groups, false)));
  }

  @Test
  void keepsAConsoleWhoseOwnerStillHoldsTheModesPermission() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                inDirectory(true, Set.of("ops")),
                List.of(groupGrant("ops", Permission.CONSOLE_CONNECT)),
                Set.of()))
        .isEmpty();
  }

  @Test
  void endsAnInteractiveConsoleWhenOnlyViewIsLeft() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                inDirectory(true, Set.of("ops")),
                List.of(groupGrant("ops", Permission.CONSOLE_VIEW)),
                Set.of()))
        .hasValueSatisfying(why -> assertThat(why).contains("console.connect"));
  }

  @Test
  void keepsAViewConsoleWithViewOnly() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.VIEW, Set.of("ops")),
                inDirectory(true, Set.of("ops")),
                List.of(groupGrant("ops", Permission.CONSOLE_VIEW)),
                Set.of()))
        .isEmpty();
  }

  @Test
  void endsTheConsoleOfAUserWhoLeftTheGroup() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                inDirectory(true, Set.of()),
                List.of(groupGrant("ops", Permission.CONSOLE_CONNECT)),
                Set.of()))
        .isPresent();
  }

  @Test
  void endsTheConsoleOfADisabledUser() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                inDirectory(false, Set.of("ops")),
                List.of(groupGrant("ops", Permission.ADMIN)),
                Set.of()))
        .hasValueSatisfying(why -> assertThat(why).contains("disabled"));
  }

  @Test
  void endsTheConsoleOfADeletedUser() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.VIEW, Set.of("ops")),
                OwnerStatus.of(Optional.empty()),
                List.of(groupGrant("ops", Permission.ADMIN)),
                Set.of()))
        .hasValueSatisfying(why -> assertThat(why).contains("no longer exists"));
  }

  @Test
  void directoryDownKeepsTheConsoleOnDirectoryGroundsUsingGroupsAtIssue() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                OwnerStatus.unavailable(),
                List.of(groupGrant("ops", Permission.CONSOLE_CONNECT)),
                Set.of()))
        .isEmpty();
  }

  @Test
  void directoryDownStillEndsTheConsoleOnAclGrounds() {
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of("ops")),
                OwnerStatus.unavailable(),
                List.of(),
                Set.of()))
        .isPresent();
  }

  @Test
  void aRemovedTagTakesItsGrantAway() {
    AclEntry tag =
        new AclEntry(
            1,
            SubjectKind.USER,
            "alice",
            ObjectKind.TAG,
            "prod",
            Permission.CONSOLE_CONNECT,
            "admin",
            NOW);
    ConsoleSession console = session(ConsoleMode.INTERACTIVE, Set.of());
    assertThat(
            RevocationRules.whyEnd(
                console, inDirectory(true, Set.of()), List.of(tag), Set.of("prod")))
        .isEmpty();
    assertThat(RevocationRules.whyEnd(console, inDirectory(true, Set.of()), List.of(tag), Set.of()))
        .isPresent();
  }

  @Test
  void aRealmAdminKeepsEveryConsole() {
    OwnerStatus admin =
        OwnerStatus.of(Optional.of(new DirectoryUser("alice", true, Set.of(), true)));
    assertThat(
            RevocationRules.whyEnd(
                session(ConsoleMode.INTERACTIVE, Set.of()), admin, List.of(), Set.of()))
        .isEmpty();
  }

  @Test
  void onlyOtherUsersInteractiveSessionsHoldTheConsole() {
    ConsoleSession mine = session(ConsoleMode.INTERACTIVE, Set.of());
    ConsoleSession bobsView =
        ConsoleSession.issued(
            UUID.randomUUID(),
            VM,
            "h:1",
            new Caller("bob", Set.of(), false, ""),
            "vnc",
            ConsoleMode.VIEW,
            NOW,
            NOW.plusSeconds(60));
    ConsoleSession bobs =
        ConsoleSession.issued(
            UUID.randomUUID(),
            VM,
            "h:1",
            new Caller("bob", Set.of(), false, ""),
            "vnc",
            ConsoleMode.INTERACTIVE,
            NOW,
            NOW.plusSeconds(60));
    assertThat(Takeover.holders(List.of(mine, bobsView, bobs), "alice")).containsExactly(bobs);
    assertThat(Takeover.holders(List.of(mine, bobsView), "alice")).isEmpty();
  }
}
