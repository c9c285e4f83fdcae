package org.porthole.engine.sso;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.api.events.v1.SsoOutcome;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The guest's SSO outcome reaches the audit through a real broker: one row per outcome of a session
 * granted SSO, with the session's owner as actor and what the guest said, bounded; an outcome for
 * any other session is ignored.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SsoAuditIT {

  /** One VM per test: an interactive console of one user would make another's a takeover. */
  private static final int VMS = 4;

  private static LearnedHost host;

  private final Acls acls = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @Inject SsoEvents ssoEvents;

  @BeforeEach
  void learnHost() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "sso-audit-", VMS);
    }
    host.agent().setGuestSpn("host/sso-audit.porthole.test@PORTHOLE.TEST");
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
  void auditsASignInWithWhatTheGuestSaid() {
    UUID vm = host.nextVm();
    acls.grantUser("alice", vm, "console.connect");
    acls.grantUser("alice", vm, "console.sso");
    UUID session = openAs("alice", vm, true);

    host.events().send(outcome(vm, session, "ok", "", true));

    Map<String, Object> row = awaitRow(vm, session, "console.sso-signed-in");
    assertThat(row).containsEntry("actor", "alice").containsEntry("vmUuid", vm.toString());
    assertThat(detail(row))
        .containsEntry("principal", "alice@PORTHOLE.TEST")
        .containsEntry("user", "alice")
        .containsEntry("delegated", true)
        .containsEntry("delivered", true)
        .containsEntry("code", "");
  }

  @Test
  void auditsARefusalWithItsCodeOnce() {
    UUID vm = host.nextVm();
    UUID session = openAs(SignIn.DEFAULT_USER, vm, true);
    GuestEvent refused = outcome(vm, session, "refused", "wrong-user", false);

    host.events().send(refused);
    host.events().send(refused);
    UUID marker = openAs(SignIn.DEFAULT_USER, vm, true);
    host.events().send(outcome(vm, marker, "failed", "failed", false));
    awaitRow(vm, marker, "console.sso-failed");

    List<Map<String, Object>> rows = rows(vm, session, "console.sso-refused");
    assertThat(rows).as("a duplicate is applied once").hasSize(1);
    assertThat(rows.get(0)).containsEntry("actor", "admin");
    assertThat((String) rows.get(0).get("reason")).contains("wrong-user");
    assertThat(detail(rows.get(0))).containsEntry("code", "wrong-user");
  }

  @Test
  void ignoresAnOutcomeForASessionWithoutSso() {
    UUID vm = host.nextVm();
    UUID session = openAs(SignIn.DEFAULT_USER, vm, false);
    long before = ssoEvents.ignored();

    host.events().send(outcome(vm, session, "ok", "", true));

    awaitIgnored(before);
    assertThat(rows(vm, session, "console.sso-signed-in")).isEmpty();
  }

  @Test
  void ignoresAnOutcomeNamingAnotherVmsSession() {
    UUID vm = host.nextVm();
    UUID session = openAs(SignIn.DEFAULT_USER, vm, true);
    long before = ssoEvents.ignored();

    // The host owns an (unknown) VM, but the session was granted on another one.
    host.events().send(outcome(UUID.randomUUID(), session, "ok", "", true));

    awaitIgnored(before);
    assertThat(rows(vm, session, "console.sso-signed-in")).isEmpty();
  }

  private UUID openAs(String user, UUID vm, boolean sso) {
    return UUID.fromString(
        SignIn.as(user)
            .contentType(ContentType.JSON)
            .body(Map.of("sso", sso))
            .post("/api/v1/vms/" + vm + "/consoles")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("sessionId"));
  }

  private static GuestEvent outcome(
      UUID vm, UUID session, String outcome, String code, boolean delegated) {
    String principal =
        outcome.equals("ok") ? "alice@PORTHOLE.TEST" : code.isEmpty() ? "" : "bob@PORTHOLE.TEST";
    return GuestEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(vm.toString())
        .setHostId(host.agent().hostId())
        .setKind(GuestEventKind.GUEST_EVENT_KIND_SSO)
        .setOccurredAtEpochMs(System.currentTimeMillis())
        .setSso(
            SsoOutcome.newBuilder()
                .setSessionId(session.toString())
                .setOutcome(outcome)
                .setCode(code)
                .setPrincipal(principal)
                .setUser(outcome.equals("ok") ? "alice" : "")
                .setDelegated(delegated)
                .setDelivered(delegated))
        .build();
  }

  private void awaitIgnored(long before) {
    await("the outcome ignored")
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ssoEvents.ignored() > before);
  }

  private static Map<String, Object> awaitRow(UUID vm, UUID session, String kind) {
    await(kind + " of " + session)
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !rows(vm, session, kind).isEmpty());
    return rows(vm, session, kind).get(0);
  }

  private static List<Map<String, Object>> rows(UUID vm, UUID session, String kind) {
    return given()
        .get("/api/v1/audit?vm=" + vm)
        .jsonPath()
        .getList("findAll { it.kind == '" + kind + "' && it.sessionId == '" + session + "' }");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> detail(Map<String, Object> row) {
    return (Map<String, Object>) row.get("detail");
  }
}
