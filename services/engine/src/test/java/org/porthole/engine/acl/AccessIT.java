package org.porthole.engine.acl;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.TokenRejectedException;
import org.porthole.token.TokenVerifier;

/**
 * Console ACLs through the API against real PostgreSQL, Kafka and Keycloak users: every permission
 * allowed and denied, view and interactive tickets (the token's mode claim), takeover, and
 * revocation ending live consoles on the host agent.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AccessIT {

  /** One VM per test, so grants of one test never leak into another. */
  private static final int VMS = 14;

  private static final Duration REVOCATION_DEADLINE = Duration.ofSeconds(5);
  private static LearnedHost host;

  private final Acls acls = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @TestHTTPResource("/api/v1/jwks")
  URI jwks;

  @BeforeEach
  void learnHost() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "acl-", VMS);
    }
  }

  @AfterEach
  void revokeGrants() {
    acls.revokeAll();
  }

  @AfterAll
  static void stopAgent() {
    if (host != null) {
      host.close();
    }
  }

  private static Response open(RequestSpecification as, UUID vm, Map<String, Object> body) {
    return as.contentType(ContentType.JSON).body(body).post("/api/v1/vms/" + vm + "/consoles");
  }

  private ConsoleClaims verify(String token) {
    try {
      return new TokenVerifier(
              new HttpJwksKeys(jwks, Clock.systemUTC()),
              "porthole-engine",
              "porthole-console",
              Clock.systemUTC())
          .verify(token);
    } catch (TokenRejectedException e) {
      throw new AssertionError("the engine's token does not verify: " + e.getMessage(), e);
    }
  }

  private static void assertRefused(Response response, int status, String... messageParts) {
    response.then().statusCode(status);
    for (String part : messageParts) {
      assertThat(response.jsonPath().getString("message")).contains(part);
    }
  }

  @Test
  void listAndGetShowOnlyViewableVmsWithTheCallersPermissions() {
    UUID vm = host.nextVm();
    assertThat(SignIn.as("bob").get("/api/v1/vms").jsonPath().getList("id"))
        .doesNotContain(vm.toString());
    assertRefused(SignIn.as("bob").get("/api/v1/vms/" + vm), 404, "no VM " + vm);

    acls.grantUser("bob", vm, "console.view");
    JsonPath listed =
        SignIn.as("bob").get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
    assertThat(listed.getList("id")).contains(vm.toString());
    assertThat(SignIn.as("bob").get("/api/v1/vms/" + vm).jsonPath().getList("permissions"))
        .containsExactly("console.view");
    assertThat(given().get("/api/v1/vms/" + vm).jsonPath().getList("permissions"))
        .containsExactly(
            "console.view", "console.connect", "console.takeover", "console.sso", "admin");
  }

  @Test
  void viewTicketNeedsViewAndCarriesTheViewMode() {
    UUID vm = host.nextVm();
    assertRefused(
        open(SignIn.as("bob"), vm, Map.of("mode", "view")),
        403,
        "console.view is required on VM " + vm);

    acls.grantUser("bob", vm, "console.view");
    Response view = open(SignIn.as("bob"), vm, Map.of("mode", "view"));
    view.then().statusCode(201);
    ConsoleClaims claims = verify(view.jsonPath().getString("token"));
    assertThat(claims.mode()).isEqualTo(ConsoleClaims.MODE_VIEW);
    assertThat(claims.subject()).isEqualTo("bob");
    assertThat(view.jsonPath().getString("mode")).isEqualTo("view");

    assertRefused(
        open(SignIn.as("bob"), vm, Map.of()), 403, "console.connect is required on VM " + vm);
    assertRefused(
        open(SignIn.as("bob"), vm, Map.of("mode", "interactive")), 403, "console.connect");
  }

  @Test
  void connectAllowsInteractiveTicketsWithTheInteractiveMode() {
    UUID vm = host.nextVm();
    acls.grantUser("bob", vm, "console.connect");
    Response opened = open(SignIn.as("bob"), vm, Map.of("mode", "interactive"));
    opened.then().statusCode(201);
    assertThat(verify(opened.jsonPath().getString("token")).mode())
        .isEqualTo(ConsoleClaims.MODE_INTERACTIVE);
    open(SignIn.as("bob"), vm, Map.of("mode", "view")).then().statusCode(201);
  }

  @Test
  void ssoAloneGrantsNoConsoleAndNoSight() {
    UUID vm = host.nextVm();
    acls.grantUser("bob", vm, "console.sso");
    assertRefused(
        open(SignIn.as("bob"), vm, Map.of("mode", "view")), 403, "console.view is required");
    assertRefused(SignIn.as("bob").get("/api/v1/vms/" + vm), 404, "no VM " + vm);
    acls.grantUser("bob", vm, "console.view");
    assertThat(SignIn.as("bob").get("/api/v1/vms/" + vm).jsonPath().getList("permissions"))
        .containsExactlyInAnyOrder("console.view", "console.sso");
    assertRefused(open(SignIn.as("bob"), vm, Map.of()), 403, "console.connect");
  }

  @Test
  void onlyAnAdminOfTheVmManagesItsAclsTagsGuestAndPolicy() {
    UUID vm = host.nextVm();
    acls.grantUser("bob", vm, "console.takeover");
    Map<String, Object> grantCarol =
        Map.of(
            "subjectKind",
            "user",
            "subject",
            "alice",
            "objectKind",
            "vm",
            "object",
            vm.toString(),
            "permission",
            "console.view");
    assertRefused(
        SignIn.as("bob").contentType(ContentType.JSON).body(grantCarol).post("/api/v1/acls"),
        403,
        "admin is required on VM " + vm);
    assertRefused(SignIn.as("bob").get("/api/v1/acls?vm=" + vm), 403, "admin");
    assertRefused(SignIn.as("bob").put("/api/v1/vms/" + vm + "/tags/lab"), 403, "admin");
    assertRefused(SignIn.as("bob").get("/api/v1/vms/" + vm + "/guest"), 403, "admin");
    assertRefused(
        SignIn.as("bob")
            .contentType(ContentType.JSON)
            .body("{\"disconnectAction\":\"none\"}")
            .put("/api/v1/vms/" + vm + "/console-policy"),
        403,
        "admin");
    SignIn.as("bob").get("/api/v1/vms/" + vm + "/console-policy").then().statusCode(200);
    SignIn.as("bob").get("/api/v1/vms/" + vm + "/tags").then().statusCode(200);

    acls.grantUser("bob", vm, "admin");
    long id =
        SignIn.as("bob")
            .contentType(ContentType.JSON)
            .body(grantCarol)
            .post("/api/v1/acls")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    assertThat(SignIn.as("bob").get("/api/v1/acls?vm=" + vm).jsonPath().getList("id", Long.class))
        .contains(id);
    SignIn.as("bob").put("/api/v1/vms/" + vm + "/tags/lab").then().statusCode(200);
    SignIn.as("bob").delete("/api/v1/vms/" + vm + "/tags/lab").then().statusCode(204);
    SignIn.as("bob").get("/api/v1/vms/" + vm + "/guest").then().statusCode(200);
    SignIn.as("bob")
        .contentType(ContentType.JSON)
        .body("{\"disconnectAction\":\"none\"}")
        .put("/api/v1/vms/" + vm + "/console-policy")
        .then()
        .statusCode(200);
    SignIn.as("bob").delete("/api/v1/acls/" + id).then().statusCode(204);
    assertRefused(SignIn.as("alice").get("/api/v1/acls?vm=" + vm), 404);
  }

  @Test
  void aTagAclCoversEveryVmWithTheTagAndAGroupCoversItsMembers() {
    UUID tagged = host.nextVm();
    UUID untagged = host.nextVm();
    String tag = "lab-" + tagged.toString().substring(0, 8);
    Acls.tag(tagged, tag);
    acls.grant("group", "console-users", "tag", tag, "console.connect");
    open(SignIn.as("alice"), tagged, Map.of()).then().statusCode(201);
    assertRefused(open(SignIn.as("alice"), untagged, Map.of()), 403, "console.connect is required");
    assertRefused(open(SignIn.as("bob"), tagged, Map.of()), 403, "console.connect is required");
    assertRefused(open(SignIn.as("bob"), UUID.randomUUID(), Map.of()), 404);
  }

  @Test
  void takeoverIsRefusedWithoutThePermissionAskedWithItAndEndsTheHolderFirst() {
    UUID vm = host.nextVm();
    acls.grantUser("alice", vm, "console.connect");
    acls.grantUser("bob", vm, "console.connect");
    UUID aliceView = sessionId(open(SignIn.as("alice"), vm, Map.of("mode", "view")));
    UUID aliceInteractive = sessionId(open(SignIn.as("alice"), vm, Map.of()));

    assertRefused(
        open(SignIn.as("bob"), vm, Map.of()),
        403,
        "console.takeover is required on VM " + vm,
        "held by alice");
    assertRefused(open(SignIn.as("bob"), vm, Map.of("takeover", true)), 403, "console.takeover");
    open(SignIn.as("bob"), vm, Map.of("mode", "view")).then().statusCode(201);

    acls.grantUser("bob", vm, "console.takeover");
    assertRefused(open(SignIn.as("bob"), vm, Map.of()), 409, "held by alice");
    assertThat(host.agent().endCalls())
        .noneMatch(c -> c.request().getVmUuid().equals(vm.toString()));

    UUID bobs = sessionId(open(SignIn.as("bob"), vm, Map.of("takeover", true)));
    FakeHostAgent.EndCall end =
        host.agent().endCalls().stream()
            .filter(c -> c.request().getVmUuid().equals(vm.toString()))
            .findFirst()
            .orElseThrow();
    assertThat(end.request().getSessionIdsList()).containsExactly(aliceInteractive.toString());
    assertThat(end.request().getStatus()).isEqualTo("CONFLICT");
    assertThat(end.request().getReason()).isEqualTo("taken over by bob");
    assertThat(end.request().getApplyDisconnectAction())
        .as("the old holder's screen is locked first")
        .isTrue();
    int bobsTicket = preparedIndex(bobs);
    assertThat(bobsTicket)
        .as("EndConsoles before the new ticket")
        .isGreaterThanOrEqualTo(end.preparedBefore());
    JsonPath takenOver = given().get("/api/v1/audit?session=" + aliceInteractive).jsonPath();
    assertThat(
            takenOver.getString("find { it.kind == 'console.taken-over' }.detail.disconnectAction"))
        .isEqualTo("lock-screen");
    assertThat(
            takenOver.getBoolean(
                "find { it.kind == 'console.taken-over' }.detail.disconnectActionConfirmed"))
        .isTrue();

    JsonPath ended = SignIn.as("alice").get("/api/v1/consoles/" + aliceInteractive).jsonPath();
    assertThat(ended.getString("state")).isEqualTo("closed");
    assertThat(ended.getString("closeReason")).isEqualTo("taken-over");
    assertThat(
            SignIn.as("alice").get("/api/v1/consoles/" + aliceView).jsonPath().getString("state"))
        .isEqualTo("issued");
    assertRefused(open(SignIn.as("alice"), vm, Map.of()), 403, "console.takeover", "held by bob");
  }

  @Test
  void aTakeoverStaysRecordedWhenTheNewTicketThenFails() {
    UUID vm = host.nextVm();
    acls.grantUser("alice", vm, "console.connect");
    acls.grantUser("bob", vm, "console.takeover");
    UUID alices = sessionId(open(SignIn.as("alice"), vm, Map.of()));
    host.agent().failPreparesWith(Status.UNAVAILABLE);
    try {
      assertRefused(open(SignIn.as("bob"), vm, Map.of("takeover", true)), 503, "unreachable");
    } finally {
      host.agent().failPreparesWith(null);
    }
    assertThat(endCallFor(vm, alices)).isNotNull();
    assertThat(given().get("/api/v1/consoles/" + alices).jsonPath().getString("closeReason"))
        .isEqualTo("taken-over");
    List<String> kinds = given().get("/api/v1/audit?vm=" + vm).jsonPath().getList("kind");
    assertThat(kinds).contains("console.taken-over", "console.ticket-refused");
    assertThat(kinds.indexOf("console.ticket-refused"))
        .as("newest first: the refusal after the takeover")
        .isLessThan(kinds.indexOf("console.taken-over"));
  }

  @Test
  void deletingAnAclEndsItsUsersLiveConsoleWithinFiveSeconds() {
    UUID vm = host.nextVm();
    long grant = acls.grantUser("alice", vm, "console.connect");
    UUID session = sessionId(open(SignIn.as("alice"), vm, Map.of()));

    Instant deleted = Instant.now();
    acls.revoke(grant).then().statusCode(204);
    FakeHostAgent.EndCall end = awaitEnded(vm, session, deleted);
    System.out.printf(
        "ACL delete -> EndConsoles: %d ms%n", Duration.between(deleted, end.at()).toMillis());
    assertThat(end.request().getStatus()).isEqualTo("FORBIDDEN");
    assertThat(end.request().getReason()).isEqualTo("access revoked");
    assertThat(given().get("/api/v1/consoles/" + session).jsonPath().getString("closeReason"))
        .isEqualTo("revoked");
  }

  @Test
  void removingATagEndsConsolesItsAclAllowed() {
    UUID vm = host.nextVm();
    String tag = "tmp-" + vm.toString().substring(0, 8);
    Acls.tag(vm, tag);
    acls.grant("user", "alice", "tag", tag, "console.connect");
    UUID session = sessionId(open(SignIn.as("alice"), vm, Map.of()));
    Instant removed = Instant.now();
    given().delete("/api/v1/vms/" + vm + "/tags/" + tag).then().statusCode(204);
    awaitEnded(vm, session, removed);
  }

  @Test
  void disablingTheUserInKeycloakEndsTheirConsoleWithinFiveSeconds() throws Exception {
    UUID vm = host.nextVm();
    acls.grantUser("alice", vm, "console.connect");
    UUID session = sessionId(open(SignIn.as("alice"), vm, Map.of()));
    Instant disabled = Instant.now();
    StackResource.keycloakAdmin().setUserEnabled("porthole", "alice", false);
    try {
      FakeHostAgent.EndCall end = awaitEnded(vm, session, disabled);
      System.out.printf(
          "user disabled -> EndConsoles: %d ms%n", Duration.between(disabled, end.at()).toMillis());
    } finally {
      StackResource.keycloakAdmin().setUserEnabled("porthole", "alice", true);
    }
  }

  @Test
  void leavingTheGroupInKeycloakEndsTheConsoleTheGroupAllowed() throws Exception {
    UUID vm = host.nextVm();
    acls.grant("group", "console-users", "vm", vm.toString(), "console.connect");
    UUID session = sessionId(open(SignIn.as("alice"), vm, Map.of()));
    Instant left = Instant.now();
    StackResource.keycloakAdmin().leaveGroup("porthole", "alice", "console-users");
    try {
      FakeHostAgent.EndCall end = awaitEnded(vm, session, left);
      System.out.printf(
          "group left -> EndConsoles: %d ms%n", Duration.between(left, end.at()).toMillis());
    } finally {
      StackResource.keycloakAdmin().joinGroup("porthole", "alice", "console-users");
    }
  }

  /** Waits for EndConsoles of the session (generous deadline), then checks it came within 5 s. */
  private static FakeHostAgent.EndCall awaitEnded(UUID vm, UUID session, Instant since) {
    await("EndConsoles for session " + session)
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> endCallFor(vm, session) != null);
    FakeHostAgent.EndCall end = endCallFor(vm, session);
    assertThat(Duration.between(since, end.at())).isLessThanOrEqualTo(REVOCATION_DEADLINE);
    await("session " + session + " revoked")
        .atMost(EngineApi.EVENT_WAIT)
        .until(
            () ->
                "revoked"
                    .equals(
                        given()
                            .get("/api/v1/consoles/" + session)
                            .jsonPath()
                            .getString("closeReason")));
    return end;
  }

  private static FakeHostAgent.EndCall endCallFor(UUID vm, UUID session) {
    return host.agent().endCalls().stream()
        .filter(
            c ->
                c.request().getVmUuid().equals(vm.toString())
                    && c.request().getSessionIdsList().contains(session.toString()))
        .findFirst()
        .orElse(null);
  }

  private static UUID sessionId(Response opened) {
    opened.then().statusCode(201);
    return UUID.fromString(opened.jsonPath().getString("sessionId"));
  }

  private static int preparedIndex(UUID session) {
    List<org.porthole.api.hostagent.v1.PrepareConsoleRequest> prepared = host.agent().prepared();
    for (int i = 0; i < prepared.size(); i++) {
      if (prepared.get(i).getSessionId().equals(session.toString())) {
        return i;
      }
    }
    throw new AssertionError("no console prepared for session " + session);
  }
}
