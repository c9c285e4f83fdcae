package org.porthole.engine.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.AuditEvent;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.AuditTopic;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The audit trail of one console session, from the API and from Kafka: issued → connected → taken
 * over → disconnected, in order, with who, from where and why; plus who may read it.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuditIT {

  private static final UUID VM = UUID.randomUUID();
  private static final UUID OTHER_VM = UUID.randomUUID();
  private static final List<String> STORY =
      List.of(
          AuditKind.TICKET_ISSUED,
          AuditKind.CONNECTED,
          AuditKind.TAKEN_OVER,
          AuditKind.DISCONNECTED);
  private static LearnedHost host;

  private final Acls acls = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @BeforeEach
  void learnHost() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "audited-", List.of(VM, OTHER_VM));
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

  @Test
  void oneSessionsWholeStoryInOrderFromTheApiAndFromKafka() {
    acls.grantUser("alice", VM, "console.connect");
    acls.grantUser("bob", VM, "console.takeover");
    UUID session =
        UUID.fromString(
            SignIn.as("alice")
                .post("/api/v1/vms/" + VM + "/consoles")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("sessionId"));
    graphics(session, GraphicsPhase.GRAPHICS_PHASE_CONNECT);
    graphics(session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(session, "connected");
    SignIn.as("bob")
        .contentType(ContentType.JSON)
        .body(Map.of("takeover", true))
        .post("/api/v1/vms/" + VM + "/consoles")
        .then()
        .statusCode(201);
    graphics(session, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);

    await("the disconnect audited")
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> kinds(auditOf(session)).contains(AuditKind.DISCONNECTED));
    JsonPath story = auditOf(session);
    List<String> newestFirst = new ArrayList<>(STORY);
    Collections.reverse(newestFirst);
    assertThat(kinds(story)).containsExactlyElementsOf(newestFirst);
    List<Map<String, Object>> rows = story.getList("$");
    Map<String, Object> issued = rows.get(3);
    assertThat(issued.get("actor")).isEqualTo("alice");
    assertThat((String) issued.get("clientAddress")).isNotBlank();
    assertThat(issued.get("vmUuid")).isEqualTo(VM.toString());
    Map<String, Object> takenOver = rows.get(1);
    assertThat(takenOver.get("actor")).isEqualTo("bob");
    assertThat(takenOver.get("reason")).isEqualTo("taken over by bob");
    assertThat(rows.get(2).get("actor")).isEqualTo("alice");
    for (Map<String, Object> row : rows) {
      assertThat(Instant.parse((String) row.get("occurredAt")))
          .isBefore(Instant.now().plusSeconds(1));
    }

    try (AuditTopic topic = new AuditTopic()) {
      await("the story on " + EventTopics.AUDIT)
          .atMost(EngineApi.EVENT_WAIT)
          .until(
              () ->
                  topic.poll(e -> e.getSessionId().equals(session.toString())).size()
                      >= STORY.size());
      List<AuditEvent> published = topic.poll(e -> e.getSessionId().equals(session.toString()));
      assertThat(published.stream().map(AuditEvent::getKind).distinct().toList())
          .containsExactlyElementsOf(STORY);
      assertThat(published.stream().map(AuditEvent::getId).toList()).isSorted();
      assertThat(published.get(0).getActor()).isEqualTo("alice");
      assertThat(published.get(0).getVmUuid()).isEqualTo(VM.toString());
    }
  }

  @Test
  void aRefusalIsAuditedWithItsReason() {
    SignIn.as("bob")
        .contentType("application/json")
        .body("{\"mode\":\"view\"}")
        .post("/api/v1/vms/" + OTHER_VM + "/consoles")
        .then()
        .statusCode(403);
    acls.grantUser("bob", OTHER_VM, "console.view");
    SignIn.as("bob").post("/api/v1/vms/" + OTHER_VM + "/consoles").then().statusCode(403);
    List<Map<String, Object>> refused =
        given()
            .get("/api/v1/audit?user=bob&vm=" + OTHER_VM + "&limit=10")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("findAll { it.kind == 'console.ticket-refused' }");
    assertThat(refused).hasSize(2);
    assertThat(refused.get(0).get("reason"))
        .isEqualTo("console.connect is required on VM " + OTHER_VM);
    assertThat(refused.get(1).get("reason"))
        .isEqualTo("console.view is required on VM " + OTHER_VM);
  }

  @Test
  void onlyPortholeAdminsAndAdminsOfTheVmReadItsAudit() {
    acls.grantUser("bob", OTHER_VM, "console.takeover");
    SignIn.as("bob").get("/api/v1/audit?vm=" + OTHER_VM).then().statusCode(403);
    SignIn.as("bob").get("/api/v1/audit").then().statusCode(403);
    SignIn.as("alice").get("/api/v1/audit?vm=" + OTHER_VM).then().statusCode(404);
    acls.grantUser("bob", OTHER_VM, "admin");
    List<String> vms =
        SignIn.as("bob")
            .get("/api/v1/audit?limit=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("vmUuid");
    assertThat(vms).isNotEmpty().allMatch(OTHER_VM.toString()::equals);
    SignIn.as("bob").get("/api/v1/audit?vm=" + OTHER_VM).then().statusCode(200);
    given().get("/api/v1/audit?vm=" + VM).then().statusCode(200);
  }

  @Test
  void pagesOlderEventsByKeysetAndNamesEachEventsVm() {
    for (int i = 0; i < 5; i++) {
      SignIn.as("bob").post("/api/v1/vms/" + OTHER_VM + "/consoles").then().statusCode(403);
    }
    String filter = "/api/v1/audit?user=bob&vm=" + OTHER_VM;
    List<Map<String, Object>> all = rows(filter + "&limit=1000");
    assertThat(all).hasSizeGreaterThanOrEqualTo(5);
    List<Map<String, Object>> paged = new ArrayList<>();
    List<Map<String, Object>> page = rows(filter + "&limit=2");
    while (!page.isEmpty()) {
      assertThat(page).hasSizeLessThanOrEqualTo(2);
      paged.addAll(page);
      page = rows(filter + "&limit=2&before=" + page.get(page.size() - 1).get("id"));
    }
    assertThat(paged).as("the pages, one after another, are the whole list").isEqualTo(all);
    assertThat(all)
        .allSatisfy(
            row -> {
              assertThat(row.get("vmUuid")).isEqualTo(OTHER_VM.toString());
              assertThat(row.get("vmName")).isEqualTo("audited-" + OTHER_VM);
            });
    for (String bad : List.of("0", "-1", "x", "1.5", "9".repeat(19))) {
      given().get(filter + "&before=" + bad).then().statusCode(400);
    }
  }

  @Test
  void anEventOfAVmTheEngineDoesNotKnowHasNoName() {
    UUID unknown = UUID.randomUUID();
    SignIn.as("bob").post("/api/v1/vms/" + unknown + "/consoles").then().statusCode(404);
    List<Map<String, Object>> refused = rows("/api/v1/audit?user=bob&vm=" + unknown);
    assertThat(refused).isNotEmpty().allSatisfy(row -> assertThat(row.get("vmName")).isNull());
  }

  private static List<Map<String, Object>> rows(String path) {
    return given().get(path).then().statusCode(200).extract().jsonPath().getList("$");
  }

  /** A graphics event of the session's console of {@link #VM}, as its host sends it. */
  private static void graphics(UUID session, GraphicsPhase phase) {
    host.events().graphics(VM, host.agent().hostId(), session, phase);
  }

  private static JsonPath auditOf(UUID session) {
    return given()
        .get("/api/v1/audit?session=" + session)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static List<String> kinds(JsonPath rows) {
    return rows.getList("kind");
  }
}
