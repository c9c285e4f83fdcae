package org.porthole.engine.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.acl.AclEntry.ObjectKind;
import org.porthole.engine.acl.AclEntry.SubjectKind;
import org.porthole.engine.auth.Caller;

class AccessRulesTest {

  private static final UUID VM = UUID.randomUUID();
  private static final UUID OTHER_VM = UUID.randomUUID();
  private static final Caller ALICE = new Caller("alice", Set.of("ops"), false, "127.0.0.1");
  private static final Caller BOB = new Caller("bob", Set.of("OPS"), false, "127.0.0.1");

  private static AclEntry entry(
      SubjectKind sk, String subject, ObjectKind ok, String object, Permission p) {
    return new AclEntry(1, sk, subject, ok, object, p, "admin", Instant.EPOCH);
  }

  private static AclEntry userOnVm(String user, Permission p) {
    return entry(SubjectKind.USER, user, ObjectKind.VM, VM.toString(), p);
  }

  @Test
  void eachPermissionImpliesOnlyTheLowerOnes() {
    assertThat(Permission.CONSOLE_VIEW.withImplied()).containsExactly(Permission.CONSOLE_VIEW);
    assertThat(Permission.CONSOLE_CONNECT.withImplied())
        .containsExactlyInAnyOrder(Permission.CONSOLE_CONNECT, Permission.CONSOLE_VIEW);
    assertThat(Permission.CONSOLE_TAKEOVER.withImplied())
        .containsExactlyInAnyOrder(
            Permission.CONSOLE_TAKEOVER, Permission.CONSOLE_CONNECT, Permission.CONSOLE_VIEW);
    assertThat(Permission.CONSOLE_SSO.withImplied()).containsExactly(Permission.CONSOLE_SSO);
    assertThat(Permission.ADMIN.withImplied()).isEqualTo(EnumSet.allOf(Permission.class));
  }

  @Test
  void viewDoesNotGrantConnectNorSso() {
    Set<Permission> held =
        AccessRules.permissions(
            ALICE, VM, Set.of(), List.of(userOnVm("alice", Permission.CONSOLE_VIEW)));
    assertThat(held).containsExactly(Permission.CONSOLE_VIEW);
  }

  @Test
  void ssoGrantsNoConsole() {
    Set<Permission> held =
        AccessRules.permissions(
            ALICE, VM, Set.of(), List.of(userOnVm("alice", Permission.CONSOLE_SSO)));
    assertThat(held).containsExactly(Permission.CONSOLE_SSO);
  }

  @Test
  void entriesAddUp() {
    Set<Permission> held =
        AccessRules.permissions(
            ALICE,
            VM,
            Set.of(),
            List.of(
                userOnVm("alice", Permission.CONSOLE_CONNECT),
                userOnVm("alice", Permission.CONSOLE_SSO)));
    assertThat(held)
        .containsExactlyInAnyOrder(
            Permission.CONSOLE_CONNECT, Permission.CONSOLE_VIEW, Permission.CONSOLE_SSO);
  }

  @Test
  void realmAdminHoldsEverythingWithoutEntries() {
    Caller admin = new Caller("root", Set.of(), true, "");
    assertThat(AccessRules.permissions(admin, VM, Set.of(), List.of()))
        .isEqualTo(EnumSet.allOf(Permission.class));
  }

  @Test
  void anEntryOnAnotherVmGrantsNothing() {
    AclEntry other =
        entry(SubjectKind.USER, "alice", ObjectKind.VM, OTHER_VM.toString(), Permission.ADMIN);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of(), List.of(other))).isEmpty();
  }

  @Test
  void anEntryForAnotherUserGrantsNothing() {
    assertThat(
            AccessRules.permissions(
                ALICE, VM, Set.of(), List.of(userOnVm("carol", Permission.ADMIN))))
        .isEmpty();
  }

  @Test
  void userSubjectsMatchCaseBlindBecauseNamesAreLowerCased() {
    Caller upper = new Caller("ALICE", Set.of(), false, "");
    assertThat(
            AccessRules.permissions(
                upper, VM, Set.of(), List.of(userOnVm("alice", Permission.CONSOLE_VIEW))))
        .containsExactly(Permission.CONSOLE_VIEW);
  }

  @Test
  void groupSubjectsMatchExactly() {
    AclEntry ops =
        entry(SubjectKind.GROUP, "ops", ObjectKind.VM, VM.toString(), Permission.CONSOLE_CONNECT);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of(), List.of(ops)))
        .contains(Permission.CONSOLE_CONNECT);
    assertThat(AccessRules.permissions(BOB, VM, Set.of(), List.of(ops))).isEmpty();
  }

  @Test
  void aUserEntryDoesNotMatchAGroupOfTheSameName() {
    AclEntry userOps =
        entry(SubjectKind.USER, "ops", ObjectKind.VM, VM.toString(), Permission.ADMIN);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of(), List.of(userOps))).isEmpty();
  }

  @Test
  void aTagEntryCoversEveryVmWithTheTagOnly() {
    AclEntry prod =
        entry(SubjectKind.GROUP, "ops", ObjectKind.TAG, "prod", Permission.CONSOLE_TAKEOVER);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of("prod", "eu"), List.of(prod)))
        .contains(Permission.CONSOLE_TAKEOVER, Permission.CONSOLE_CONNECT, Permission.CONSOLE_VIEW);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of("test"), List.of(prod))).isEmpty();
  }

  @Test
  void aTagNamedLikeTheVmIsNotTheVm() {
    AclEntry tagged =
        entry(SubjectKind.USER, "alice", ObjectKind.TAG, VM.toString(), Permission.ADMIN);
    assertThat(AccessRules.permissions(ALICE, VM, Set.of(), List.of(tagged))).isEmpty();
  }

  @Test
  void adminOfTagNeedsAdminOnTheTagItself() {
    AclEntry tagAdmin = entry(SubjectKind.USER, "alice", ObjectKind.TAG, "prod", Permission.ADMIN);
    AclEntry tagConnect =
        entry(SubjectKind.USER, "alice", ObjectKind.TAG, "test", Permission.CONSOLE_TAKEOVER);
    assertThat(AccessRules.adminOfTag(ALICE, "prod", List.of(tagAdmin, tagConnect))).isTrue();
    assertThat(AccessRules.adminOfTag(ALICE, "test", List.of(tagAdmin, tagConnect))).isFalse();
    assertThat(AccessRules.adminOfTag(BOB, "prod", List.of(tagAdmin))).isFalse();
  }

  @Test
  void modesNeedTheirPermission() {
    assertThat(AccessRules.neededFor(ConsoleMode.VIEW)).isEqualTo(Permission.CONSOLE_VIEW);
    assertThat(AccessRules.neededFor(ConsoleMode.INTERACTIVE))
        .isEqualTo(Permission.CONSOLE_CONNECT);
  }

  @Test
  void permissionsParseByExactWireNameOnly() {
    assertThat(Permission.parse("console.takeover")).contains(Permission.CONSOLE_TAKEOVER);
    assertThat(Permission.parse("Console.View")).isEmpty();
    assertThat(Permission.parse("root")).isEmpty();
    assertThat(Permission.ALLOWED)
        .isEqualTo("console.view, console.connect, console.takeover, console.sso, admin");
  }
}
