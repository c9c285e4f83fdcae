package org.porthole.engine.acl;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.StackResource;

/**
 * Hostile and malformed input to the ACL, tag, audit and console-request APIs: each is a 400 (or
 * 404/413) with {@code {status, message}} that never echoes the input, and the engine keeps
 * serving.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AclHostileInputIT {

  private static final String VM = UUID.randomUUID().toString();
  private static final List<String> HOSTILE_NAMES =
      List.of(
          "alice'--",
          "<script>alert(1)</script>",
          "a".repeat(65),
          "ålice",
          "al ice",
          "alice\u0000",
          "\u202eecila",
          "${jndi:ldap://x}",
          "../../etc/passwd");

  private static Response postAcl(Object body) {
    return given().contentType(ContentType.JSON).body(body).post("/api/v1/acls");
  }

  private static Map<String, Object> acl(
      String subject, String objectKind, String object, String permission) {
    return Map.of(
        "subjectKind",
        "user",
        "subject",
        subject,
        "objectKind",
        objectKind,
        "object",
        object,
        "permission",
        permission);
  }

  private static void assertBad(Response response, int status, String message) {
    response.then().statusCode(status);
    assertThat(response.jsonPath().getString("status")).isNotBlank();
    assertThat(response.jsonPath().getString("message")).isEqualTo(message);
  }

  @Test
  void refusesHostileSubjectsAndTagsWithoutEchoingThem() {
    for (String hostile : HOSTILE_NAMES) {
      assertBad(postAcl(acl(hostile, "vm", VM, "admin")), 400, "subject must be " + Names.RULE);
      assertBad(
          postAcl(acl("alice", "tag", hostile, "admin")),
          400,
          "object (a tag) must be " + Names.RULE);
      assertBad(
          given().queryParam("subject", hostile).get("/api/v1/acls"),
          400,
          "subject must be " + Names.RULE);
      assertBad(
          given().queryParam("user", hostile).get("/api/v1/audit"),
          400,
          "user must be " + Names.RULE);
    }
    assertBad(
        given().put("/api/v1/vms/" + VM + "/tags/" + "t".repeat(65)),
        400,
        "tag must be " + Names.RULE);
    assertBad(
        given().urlEncodingEnabled(false).put("/api/v1/vms/" + VM + "/tags/a%00b"),
        400,
        "tag must be " + Names.RULE);
    assertBad(
        given().urlEncodingEnabled(false).put("/api/v1/vms/" + VM + "/tags/%C3%A5"),
        400,
        "tag must be " + Names.RULE);
  }

  @Test
  void refusesUnknownPermissionsNamingTheAllowedOnes() {
    assertBad(
        postAcl(acl("alice", "vm", VM, "console.root")),
        400,
        "permission must be one of " + Permission.ALLOWED);
    assertBad(
        postAcl(acl("alice", "vm", VM, "ADMIN")),
        400,
        "permission must be one of " + Permission.ALLOWED);
  }

  @Test
  void refusesMalformedAclBodies() {
    assertBad(
        postAcl(
            "{\"subjectKind\":\"user\",\"subject\":\"alice\",\"objectKind\":\"vm\",\"object\":\""
                + VM
                + "\",\"permission\":\"admin\",\"extra\":1}"),
        400,
        "unknown field: extra");
    assertBad(postAcl("{\"subjectKind\":[\"user\"]}"), 400, "field subjectKind has the wrong type");
    assertBad(postAcl("{\"subjectKind\":"), 400, "malformed JSON body");
    Response empty = given().post("/api/v1/acls");
    empty.then().statusCode(400);
    assertThat(empty.jsonPath().getString("message")).startsWith("body required");
    assertBad(
        postAcl(
            Map.of(
                "subjectKind",
                "role",
                "subject",
                "x",
                "objectKind",
                "vm",
                "object",
                VM,
                "permission",
                "admin")),
        400,
        "subjectKind must be \"user\" or \"group\"");
    assertBad(
        postAcl(acl("alice", "host", VM, "admin")), 400, "objectKind must be \"vm\" or \"tag\"");
    assertBad(
        postAcl(acl("alice", "vm", "not-a-uuid", "admin")), 400, "object (a VM id) must be a UUID");
    given()
        .contentType(ContentType.JSON)
        .body("{\"subject\":\"" + "a".repeat(70_000) + "\"}")
        .post("/api/v1/acls")
        .then()
        .statusCode(413);
  }

  @Test
  void refusesBadIdsAndQueryParameters() {
    assertBad(given().delete("/api/v1/acls/abc"), 400, "ACL id must be a positive number");
    assertBad(given().delete("/api/v1/acls/0"), 400, "ACL id must be a positive number");
    assertBad(
        given().delete("/api/v1/acls/" + "9".repeat(40)), 400, "ACL id must be a positive number");
    assertBad(given().delete("/api/v1/acls/999999999"), 404, "no ACL entry 999999999");
    assertBad(given().get("/api/v1/acls?vm=x"), 400, "vm must be a UUID");
    assertBad(given().get("/api/v1/audit?limit=0"), 400, "limit must be 1..1000");
    assertBad(given().get("/api/v1/audit?limit=abc"), 400, "limit must be 1..1000");
    assertBad(given().get("/api/v1/audit?limit=100000"), 400, "limit must be 1..1000");
    assertBad(
        given().get("/api/v1/audit?from=yesterday"),
        400,
        "from must be an ISO-8601 instant such as 2026-11-22T14:00:00Z");
    assertBad(given().get("/api/v1/audit?session=1;DROP"), 400, "session must be a UUID");
    assertBad(given().delete("/api/v1/vms/" + VM + "/tags/never-set"), 404, "no VM " + VM);
  }

  @Test
  void refusesBadConsoleRequests() {
    String path = "/api/v1/vms/" + VM + "/consoles";
    assertBad(
        given().contentType(ContentType.JSON).body("{\"mode\":\"root\"}").post(path),
        400,
        "mode must be \"interactive\" or \"view\"");
    assertBad(
        given().contentType(ContentType.JSON).body("{\"takeover\":\"yes please\"}").post(path),
        400,
        "field takeover has the wrong type");
    assertBad(
        given().contentType(ContentType.JSON).body("{\"owner\":\"alice\"}").post(path),
        400,
        "unknown field: owner");
  }

  @Test
  void keepsServingAfterHostileInput() {
    refusesMalformedAclBodies();
    given().get("/api/v1/vms").then().statusCode(200);
    given().get("/api/v1/acls").then().statusCode(200);
    given().get("/api/v1/audit?limit=5").then().statusCode(200);
  }
}
