package org.porthole.engine.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.TokenVerifier;

/**
 * Opening a console end to end on real parts: PostgreSQL, a Kafka broker, and a gRPC host agent
 * with mutual TLS; graphics events from the broker move the session. No answer carries a password:
 * the host agent prepares the console and keeps QEMU's password to itself.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ConsoleFlowIT {

  private static final UUID RUNNING = UUID.randomUUID();
  private static final UUID SHUTOFF = UUID.randomUUID();
  private static final UUID NO_PASSWORD = UUID.randomUUID();
  private static final UUID BUSY = UUID.randomUUID();
  private static final UUID EXPOSED = UUID.randomUUID();
  private static final UUID DIRECT = UUID.randomUUID();
  private static FakeHostAgent agent;
  private static EventSender events;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @TestHTTPResource("/api/v1/jwks")
  URI jwks;

  @jakarta.inject.Inject javax.sql.DataSource dataSource;

  @jakarta.inject.Inject SessionExpiry expiry;

  @BeforeEach
  void learnHost() throws Exception {
    if (agent != null) {
      return;
    }
    agent = FakeHostAgent.start(Path.of(pkiDir));
    events = new EventSender();
    agent.setDomains(
        List.of(
            AgentMessages.domain(
                RUNNING.toString(), "demo", DomainState.DOMAIN_STATE_RUNNING, true),
            AgentMessages.domain(
                SHUTOFF.toString(), "stopped", DomainState.DOMAIN_STATE_SHUTOFF, true),
            AgentMessages.domain(
                NO_PASSWORD.toString(), "legacy", DomainState.DOMAIN_STATE_RUNNING, false),
            AgentMessages.domain(BUSY.toString(), "busy", DomainState.DOMAIN_STATE_RUNNING, true),
            AgentMessages.exposedDomain(EXPOSED.toString(), "exposed"),
            AgentMessages.domain(
                DIRECT.toString(), "direct", DomainState.DOMAIN_STATE_RUNNING, true)));
    events.heartbeat(agent.hostId(), UUID.randomUUID().toString(), 600);
    for (UUID vm : List.of(RUNNING, SHUTOFF, NO_PASSWORD, BUSY, EXPOSED, DIRECT)) {
      EngineApi.awaitVm(vm);
    }
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
      events.close();
    }
  }

  @Test
  void opensConsoleWithSignedTokenAndNoPasswordAnywhere() throws Exception {
    Response response = given().post("/api/v1/vms/" + RUNNING + "/consoles");
    response.then().statusCode(201).header("Cache-Control", "no-store");
    JsonPath body = response.jsonPath();
    UUID sessionId = UUID.fromString(body.getString("sessionId"));

    assertThat(body.getMap(""))
        .containsOnlyKeys(
            "sessionId",
            "vmId",
            "mode",
            "token",
            "proxyUrl",
            "expiresAt",
            "reconnectWindowSeconds");
    assertThat(body.getString("vmId")).isEqualTo(RUNNING.toString());
    assertThat(body.getString("proxyUrl")).isEqualTo("ws://localhost:8081/v1/console");
    assertThat(body.getInt("reconnectWindowSeconds")).isEqualTo(120);
    assertThat(Instant.parse(body.getString("expiresAt"))).isAfter(Instant.now().plusSeconds(100));

    PrepareConsoleRequest prepared = preparedFor(sessionId);
    assertThat(prepared.getVmUuid()).isEqualTo(RUNNING.toString());
    assertThat(prepared.getMode()).isEqualTo("interactive");
    assertThat(prepared.getValidSeconds()).isEqualTo(120);
    assertThat(prepared.getAllowExposed()).isFalse();

    ConsoleClaims claims =
        new TokenVerifier(
                new HttpJwksKeys(jwks, Clock.systemUTC()),
                "porthole-engine",
                "porthole-console",
                Clock.systemUTC())
            .verify(body.getString("token"));
    assertThat(claims.subject()).isEqualTo(EngineApi.session(sessionId).getString("owner"));
    assertThat(claims.mode()).isEqualTo(ConsoleClaims.MODE_INTERACTIVE);
    assertThat(body.getString("mode")).isEqualTo(ConsoleClaims.MODE_INTERACTIVE);
    assertThat(claims.sessionId()).isEqualTo(sessionId.toString());
    assertThat(claims.vmUuid()).isEqualTo(RUNNING.toString());
    assertThat(claims.hostId()).isEqualTo(agent.hostId());
    assertThat(claims.channel()).isEqualTo("vnc");
    assertThat(Duration.between(claims.issuedAt(), claims.expiresAt()))
        .isLessThanOrEqualTo(Duration.ofSeconds(120));

    JsonPath session = EngineApi.session(sessionId);
    assertThat(session.getString("state")).isEqualTo("issued");
    assertThat(session.getString("connectedAt")).isNull();
    for (String answer :
        List.of(
            response.asString(),
            given().get("/api/v1/consoles/" + sessionId).asString(),
            given().get("/api/v1/consoles").asString(),
            given().get("/api/v1/vms/" + RUNNING).asString())) {
      assertThat(answer).doesNotContainIgnoringCase("\"password\"");
    }
  }

  @Test
  void reconnectWindowInTheAnswerIsTheVmsConsolePolicy() {
    given()
        .contentType("application/json")
        .body("{\"reconnectWindowSeconds\":45}")
        .put("/api/v1/vms/" + BUSY + "/console-policy")
        .then()
        .statusCode(200);
    assertThat(EngineApi.openConsole(BUSY).getInt("reconnectWindowSeconds")).isEqualTo(45);
  }

  @Test
  void exposedVmGetsNoTicketUntilAPortholeAdminOptsItIn() {
    String path = "/api/v1/vms/" + EXPOSED + "/exposed-consoles";
    given()
        .post("/api/v1/vms/" + EXPOSED + "/consoles")
        .then()
        .statusCode(409)
        .body("status", equalTo("CONFLICT"))
        .body("message", containsString("beyond loopback"));
    assertThat(agent.prepared()).noneMatch(p -> p.getVmUuid().equals(EXPOSED.toString()));
    SignIn.as("bob").put(path).then().statusCode(403).body("status", equalTo("FORBIDDEN"));
    SignIn.as("bob").get(path).then().statusCode(403);
    given()
        .get(path)
        .then()
        .statusCode(200)
        .body("exposed", equalTo(true))
        .body("allowed", equalTo(false));

    given()
        .put(path)
        .then()
        .statusCode(200)
        .body("allowed", equalTo(true))
        .body("allowedBy", equalTo("admin"));
    UUID sessionId = UUID.fromString(EngineApi.openConsole(EXPOSED).getString("sessionId"));
    assertThat(preparedFor(sessionId).getAllowExposed()).isTrue();

    given().delete(path).then().statusCode(200).body("allowed", equalTo(false));
    given().post("/api/v1/vms/" + EXPOSED + "/consoles").then().statusCode(409);
    assertThat(EngineApi.session(sessionId).getString("closeReason"))
        .as("a withdrawal ends live consoles")
        .isEqualTo("revoked");
    assertThat(agent.endCalls())
        .anyMatch(
            c ->
                c.request().getSessionIdsList().contains(sessionId.toString())
                    && c.request().getStatus().equals("FORBIDDEN"));
    List<String> kinds = given().get("/api/v1/audit?vm=" + EXPOSED).jsonPath().getList("kind");
    assertThat(kinds).contains("vm.exposed-consoles-allowed", "vm.exposed-consoles-disallowed");
    assertThat(
            given()
                .get("/api/v1/audit?vm=" + EXPOSED)
                .jsonPath()
                .getString("find { it.kind == 'vm.exposed-consoles-allowed' }.actor"))
        .isEqualTo("admin");
  }

  @Test
  void directQemuLoginIsAuditedOncePerVmAndMinute() {
    UUID vm = DIRECT;
    events.directGraphics(vm, agent.hostId(), GraphicsPhase.GRAPHICS_PHASE_CONNECT);
    events.directGraphics(vm, agent.hostId(), GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    events.directGraphics(vm, agent.hostId(), GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    events.directGraphics(vm, agent.hostId(), GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    // A marker behind them on the same partition: once it is applied, so are they.
    UUID marker = UUID.fromString(EngineApi.openConsole(vm).getString("sessionId"));
    events.graphics(vm, agent.hostId(), marker, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(marker, "connected");

    List<Map<String, Object>> logins =
        given()
            .get("/api/v1/audit?vm=" + vm)
            .jsonPath()
            .getList("findAll { it.kind == 'console.direct-qemu-login' }");
    assertThat(logins).hasSize(1);
    assertThat(logins.get(0))
        .containsEntry("clientAddress", "192.0.2.7:41000")
        .containsEntry("actor", "system");
  }

  @Test
  void graphicsEventsMoveSessionIssuedConnectedClosed() {
    UUID sessionId = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));

    events.graphics(RUNNING, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_CONNECT);
    events.graphics(RUNNING, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    JsonPath connected = EngineApi.awaitSessionState(sessionId, "connected");
    assertThat(connected.getString("connectedAt")).isNotNull();
    assertThat(connected.getString("closedAt")).isNull();

    events.graphics(RUNNING, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
    JsonPath closed = EngineApi.awaitSessionState(sessionId, "closed");
    assertThat(closed.getString("closedAt")).isNotNull();
    assertThat(closed.getString("closeReason")).isEqualTo("disconnected");

    // A late initialize (new event id) cannot reopen a closed session.
    events.graphics(RUNNING, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    UUID later = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));
    events.graphics(RUNNING, agent.hostId(), later, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(later, "connected");
    assertThat(EngineApi.session(sessionId).getString("state")).isEqualTo("closed");
  }

  @Test
  void unusedSessionClosesOnceItsTicketExpiredAndConnectedOnesStayOpen() throws Exception {
    UUID unused = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));
    UUID inUse = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));
    events.graphics(RUNNING, agent.hostId(), inUse, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(inUse, "connected");
    UUID fresh = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));
    backdateExpiry(List.of(unused, inUse), SessionExpiry.EVENT_GRACE.plusSeconds(1));

    assertThat(expiry.closeExpired()).contains(unused).doesNotContain(inUse, fresh);

    JsonPath closed = EngineApi.session(unused);
    assertThat(closed.getString("state")).isEqualTo("closed");
    assertThat(closed.getString("closeReason")).isEqualTo("expired");
    assertThat(EngineApi.session(inUse).getString("state")).isEqualTo("connected");
    assertThat(EngineApi.session(fresh).getString("state")).isEqualTo("issued");
  }

  private void backdateExpiry(List<UUID> ids, Duration pastBy) throws Exception {
    try (var connection = dataSource.getConnection();
        var statement =
            connection.prepareStatement(
                "UPDATE console_sessions SET expires_at = ? WHERE id = ?")) {
      for (UUID id : ids) {
        statement.setObject(
            1, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minus(pastBy));
        statement.setObject(2, id);
        statement.executeUpdate();
      }
    }
  }

  @Test
  void graphicsEventForAnotherVmDoesNotMoveTheSession() {
    UUID sessionId = UUID.fromString(EngineApi.openConsole(RUNNING).getString("sessionId"));
    events.graphics(BUSY, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    events.graphics(RUNNING, agent.hostId(), sessionId, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
    JsonPath closed = EngineApi.awaitSessionState(sessionId, "closed");
    assertThat(closed.getString("connectedAt")).isNull();
  }

  @Test
  void refusesConsoleForVmNotRunning() {
    given()
        .post("/api/v1/vms/" + SHUTOFF + "/consoles")
        .then()
        .statusCode(409)
        .body("status", equalTo("CONFLICT"));
  }

  @Test
  void refusesConsoleForVmWithoutPasswordAuth() {
    given()
        .post("/api/v1/vms/" + NO_PASSWORD + "/consoles")
        .then()
        .statusCode(409)
        .body("status", equalTo("CONFLICT"))
        .body(
            "message",
            equalTo(
                "VM "
                    + NO_PASSWORD
                    + " graphics were started without password authentication; tickets cannot work"));
  }

  @Test
  void agentRefusalIsConflictAndLeavesNoSession() {
    int before = agent.prepared().size();
    agent.failPreparesWith(Status.FAILED_PRECONDITION.withDescription("domain not running"));
    try {
      given()
          .post("/api/v1/vms/" + RUNNING + "/consoles")
          .then()
          .statusCode(409)
          .body("status", equalTo("CONFLICT"));
    } finally {
      agent.failPreparesWith(null);
    }
    assertThat(agent.prepared()).hasSize(before);
  }

  @Test
  void unreachableOrOfflineHostAgentIsUpstreamUnavailable() throws Exception {
    UUID vm = UUID.randomUUID();
    String boot = UUID.randomUUID().toString();
    FakeHostAgent doomed = FakeHostAgent.start(Path.of(pkiDir));
    String hostId = doomed.hostId();
    try {
      doomed.setDomains(
          List.of(
              AgentMessages.domain(
                  vm.toString(), "doomed", DomainState.DOMAIN_STATE_RUNNING, true)));
      events.heartbeat(hostId, boot, 600);
      EngineApi.awaitVm(vm);
      EngineApi.openConsole(vm);
    } finally {
      doomed.close();
    }

    given()
        .post("/api/v1/vms/" + vm + "/consoles")
        .then()
        .statusCode(503)
        .body("status", equalTo("UPSTREAM_UNAVAILABLE"));

    events.goodbye(hostId, boot);
    EngineApi.awaitVmField(vm, "hostOnline", false);
    given()
        .post("/api/v1/vms/" + vm + "/consoles")
        .then()
        .statusCode(503)
        .body("status", equalTo("UPSTREAM_UNAVAILABLE"))
        .body("message", equalTo("the host agent of VM " + vm + " is offline"));
  }

  @Test
  void issuesTicketsForOneVmOneAtATime() throws Exception {
    agent.delayPrepares(150);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> sessions = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sessions.add(clients.submit(() -> EngineApi.openConsole(BUSY).getString("sessionId")));
      }
      Set<String> distinct = new HashSet<>();
      for (Future<String> session : sessions) {
        distinct.add(session.get());
      }
      assertThat(distinct).hasSize(4);
      assertThat(agent.maxConcurrentPrepares()).isEqualTo(1);
    } finally {
      agent.delayPrepares(0);
      clients.shutdownNow();
    }
  }

  @Test
  void tokensAppearInNoLogLine() throws IOException {
    JsonPath opened = EngineApi.openConsole(RUNNING);
    String token = opened.getString("token");
    String signature = token.substring(token.lastIndexOf('.') + 1);

    String log = Files.readString(Path.of("target", "engine-it.log"), StandardCharsets.UTF_8);
    assertThat(log).contains(opened.getString("sessionId"));
    assertThat(log).doesNotContain(token).doesNotContain(signature);
  }

  private static PrepareConsoleRequest preparedFor(UUID sessionId) {
    return agent.prepared().stream()
        .filter(t -> t.getSessionId().equals(sessionId.toString()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("the agent prepared no console for session " + sessionId));
  }
}
