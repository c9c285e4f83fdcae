package org.porthole.engine.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.web.QueryParams;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

class AclRequestsTest {

  private static final String VM = UUID.randomUUID().toString();

  private static AclEntry parse(
      String subjectKind, String subject, String objectKind, String object, String p) {
    return AclRequests.toEntry(
        new AclRequest(subjectKind, subject, objectKind, object, p), "root", Instant.EPOCH);
  }

  private static void assertBad(Runnable call, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            PortholeException.class,
            e -> {
              assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  @Test
  void parsesAUserGrantOnAVmAndLowerCasesTheUser() {
    AclEntry entry = parse("user", "Alice", "vm", VM, "console.connect");
    assertThat(entry.subject()).isEqualTo("alice");
    assertThat(entry.subjectKind()).isEqualTo(AclEntry.SubjectKind.USER);
    assertThat(entry.object()).isEqualTo(VM);
    assertThat(entry.permission()).isEqualTo(Permission.CONSOLE_CONNECT);
    assertThat(entry.createdBy()).isEqualTo("root");
  }

  @Test
  void keepsGroupNamesExact() {
    assertThat(parse("group", "Ops-EU", "tag", "prod.eu", "admin").subject()).isEqualTo("Ops-EU");
  }

  @Test
  void rejectsAnUnknownPermissionNamingTheAllowedOnes() {
    assertBad(() -> parse("user", "alice", "vm", VM, "console.root"), Permission.ALLOWED);
  }

  @Test
  void rejectsMissingBody() {
    assertBad(() -> AclRequests.toEntry(null, "root", Instant.EPOCH), "body required");
  }

  @Test
  void rejectsUnknownKinds() {
    assertBad(() -> parse("role", "alice", "vm", VM, "admin"), "subjectKind");
    assertBad(() -> parse("user", "alice", "host", VM, "admin"), "objectKind");
    assertBad(() -> parse(null, "alice", "vm", VM, "admin"), "subjectKind");
  }

  @Test
  void rejectsHostileSubjectsWithoutEchoingThem() {
    for (String hostile :
        new String[] {
          "",
          "a b",
          "alice'--",
          "<script>",
          "ali\u0000ce",
          "x".repeat(65),
          "é",
          "alice\n",
          "../../etc"
        }) {
      assertThatThrownBy(() -> parse("user", hostile, "vm", VM, "admin"))
          .isInstanceOfSatisfying(
              PortholeException.class,
              e -> {
                assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
                assertThat(e.getMessage()).isEqualTo("subject must be " + Names.RULE);
              });
    }
    assertThat(parse("user", "x".repeat(64), "vm", VM, "admin").subject()).hasSize(64);
  }

  @Test
  void rejectsAVmObjectThatIsNotAUuidAndAHostileTag() {
    assertBad(() -> parse("user", "alice", "vm", "not-a-uuid", "admin"), "must be a UUID");
    assertBad(
        () -> parse("user", "alice", "tag", "prod;DROP TABLE", "admin"), "object (a tag) must be");
  }

  @Test
  void queryParametersAreBoundedAndNeverEchoed() {
    assertThat(QueryParams.limit(null, 100, 1000)).isEqualTo(100);
    assertThat(QueryParams.limit("1000", 100, 1000)).isEqualTo(1000);
    assertBad(() -> QueryParams.limit("1001", 100, 1000), "limit must be 1..1000");
    assertBad(() -> QueryParams.limit("0", 100, 1000), "limit");
    assertBad(() -> QueryParams.limit("-5", 100, 1000), "limit");
    assertBad(() -> QueryParams.limit("99999999999999999999", 100, 1000), "limit");
    assertThat(QueryParams.instant("from", "2026-11-22T14:00:00Z"))
        .isEqualTo(Instant.parse("2026-11-22T14:00:00Z"));
    assertBad(() -> QueryParams.instant("from", "yesterday"), "from must be an ISO-8601 instant");
    assertBad(
        () -> QueryParams.instant("to", "2026-11-22T14:00:00Z" + "0".repeat(100)), "to must be");
    assertBad(() -> QueryParams.id("ACL id", "0"), "positive");
    assertBad(() -> QueryParams.id("ACL id", "1e5"), "positive");
    assertBad(() -> QueryParams.id("ACL id", "9".repeat(30)), "positive");
    assertThat(QueryParams.id("ACL id", "42")).isEqualTo(42);
  }
}
