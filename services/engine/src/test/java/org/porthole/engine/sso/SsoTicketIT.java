package org.porthole.engine.sso;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.SsoClaims;
import org.porthole.token.TokenRejectedException;
import org.porthole.token.TokenVerifier;

/**
 * Console tickets with Kerberos SSO on real PostgreSQL, Kafka and Keycloak (whose users carry their
 * Kerberos principals) and a gRPC host agent that answers the guest's SPN: one POST, two tokens of
 * one session, the SPN pinned on first report and never moved by the guest, and the refusals (no
 * console.sso, a view console, a guest without an SPN) before anything is issued.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SsoTicketIT {

  private static final String SPN = "host/sso-demo.porthole.test@PORTHOLE.TEST";
  private static final String OTHER_SPN = "host/impostor.porthole.test@PORTHOLE.TEST";

  /** One VM per test, so pins and grants of one test never leak into another. */
  private static final int VMS = 8;

  private static LearnedHost host;

  private final Acls acls = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @TestHTTPResource("/api/v1/jwks")
  URI jwks;

  @BeforeEach
  void learnHost() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "sso-", VMS);
    }
    host.agent().setGuestSpn(SPN);
  }

  @AfterEach
  void revokeGrants() {
    acls.revokeAll();
    host.agent().failPreparesWith(null);
  }

  @AfterAll
  static void stopAgent() {
    if (host != null) {
      host.close();
    }
  }

  @Test
  void issuesAnSsoTokenOfTheSameSessionForThePinnedSpn() throws Exception {
    UUID vm = host.nextVm();
    Response response = open(given(), vm, Map.of("sso", true));
    response.then().statusCode(201).header("Cache-Control", "no-store");
    JsonPath body = response.jsonPath();
    UUID sessionId = UUID.fromString(body.getString("sessionId"));

    assertThat(body.getMap("sso"))
        .containsOnlyKeys("token", "proxyUrl", "spn", "nonce", "delegation", "expiresAt");
    assertThat(body.getString("sso.proxyUrl")).isEqualTo("ws://localhost:8081/v1/sso");
    assertThat(body.getString("sso.spn")).isEqualTo(SPN);
    assertThat(body.getString("sso.delegation")).isEqualTo(SsoClaims.OK_AS_DELEGATE);
    assertThat(body.getString("sso.nonce")).matches(SsoClaims.NONCE);

    ConsoleClaims vnc = verify(body.getString("token"));
    ConsoleClaims sso = verify(body.getString("sso.token"));
    assertThat(vnc.channel()).isEqualTo(ConsoleClaims.CHANNEL_VNC);
    assertThat(vnc.sso()).isNull();
    assertThat(sso.channel()).isEqualTo(ConsoleClaims.CHANNEL_SSO);
    assertThat(sso.sessionId()).isEqualTo(vnc.sessionId()).isEqualTo(sessionId.toString());
    assertThat(sso.vmUuid()).isEqualTo(vnc.vmUuid()).isEqualTo(vm.toString());
    assertThat(sso.hostId()).isEqualTo(vnc.hostId()).isEqualTo(host.agent().hostId());
    assertThat(sso.subject()).isEqualTo(vnc.subject()).isEqualTo("admin");
    assertThat(sso.mode()).isEqualTo(vnc.mode()).isEqualTo(ConsoleClaims.MODE_INTERACTIVE);
    assertThat(sso.tokenId()).isNotEqualTo(vnc.tokenId());
    assertThat(sso.sso().spn()).isEqualTo(body.getString("sso.spn"));
    assertThat(sso.sso().nonce()).isEqualTo(body.getString("sso.nonce"));
    assertThat(sso.sso().delegation()).isEqualTo(body.getString("sso.delegation"));
    assertThat(sso.sso().principal()).isEqualTo("admin@PORTHOLE.TEST");
    assertThat(sso.sso().nonce()).isNotEqualTo(sso.tokenId()).isNotEqualTo(vnc.tokenId());
    assertThat(sso.expiresAt().toString()).isEqualTo(body.getString("sso.expiresAt"));

    assertThat(preparedFor(sessionId).getSso()).isTrue();
    Map<String, Object> issued = audit(vm, "console.ticket-issued").get(0);
    assertThat(detail(issued))
        .containsEntry("sso", true)
        .containsEntry("spn", SPN)
        .containsEntry("delegation", SsoClaims.OK_AS_DELEGATE);
    List<Map<String, Object>> learned = audit(vm, "vm.sso-spn-learned");
    assertThat(learned).hasSize(1);
    assertThat(learned.get(0)).containsEntry("actor", "system");
    assertThat(detail(learned.get(0)))
        .containsEntry("spn", SPN)
        .containsEntry("hostId", host.agent().hostId());
  }

  @Test
  void aConsoleWithoutSsoAsksNoSsoAndAnswersNone() {
    UUID vm = host.nextVm();
    JsonPath body = open(given(), vm, Map.of()).then().statusCode(201).extract().jsonPath();
    assertThat(body.getMap("")).doesNotContainKey("sso");
    assertThat(preparedFor(UUID.fromString(body.getString("sessionId"))).getSso()).isFalse();
  }

  @Test
  void aGuestCannotMoveThePin() {
    UUID vm = host.nextVm();
    open(given(), vm, Map.of("sso", true)).then().statusCode(201);
    host.agent().setGuestSpn(OTHER_SPN);
    for (int i = 0; i < 2; i++) {
      Response again = open(given(), vm, Map.of("sso", true));
      again.then().statusCode(201);
      assertThat(again.jsonPath().getString("sso.spn")).isEqualTo(SPN);
      assertThat(verify(again.jsonPath().getString("sso.token")).sso().spn()).isEqualTo(SPN);
    }
    List<Map<String, Object>> mismatches = audit(vm, "vm.sso-spn-mismatch");
    assertThat(mismatches).as("audited once per new value").hasSize(1);
    assertThat(detail(mismatches.get(0)))
        .containsEntry("spn", SPN)
        .containsEntry("reportedSpn", OTHER_SPN);
    assertThat(audit(vm, "vm.sso-spn-learned")).hasSize(1);
  }

  @Test
  void refusesSsoWithoutConsoleSso() {
    UUID vm = host.nextVm();
    acls.grantUser("bob", vm, "console.connect");
    int prepared = host.agent().prepared().size();

    Response refused = open(SignIn.as("bob"), vm, Map.of("sso", true));
    refused.then().statusCode(403);
    assertThat(refused.jsonPath().getString("message"))
        .isEqualTo("console.sso is required on VM " + vm);
    assertThat(host.agent().prepared()).as("refused before queueing").hasSize(prepared);
    Map<String, Object> audited = audit(vm, "console.ticket-refused").get(0);
    assertThat(audited).containsEntry("actor", "bob");
    assertThat(detail(audited)).containsEntry("sso", true).containsEntry("status", "FORBIDDEN");
    assertThat(audit(vm, "vm.sso-spn-learned")).as("nothing pinned").isEmpty();
  }

  @Test
  void allowsSsoWithConsoleSso() {
    UUID vm = host.nextVm();
    acls.grantUser("bob", vm, "console.connect");
    acls.grantUser("bob", vm, "console.sso");

    Response opened = open(SignIn.as("bob"), vm, Map.of("sso", true));
    opened.then().statusCode(201);
    ConsoleClaims sso = verify(opened.jsonPath().getString("sso.token"));
    assertThat(sso.subject()).isEqualTo("bob");
    assertThat(sso.sso().principal()).isEqualTo("bob@PORTHOLE.TEST");
  }

  @Test
  void refusesSsoOnAViewConsole() {
    UUID vm = host.nextVm();
    int prepared = host.agent().prepared().size();
    Response refused = open(given(), vm, Map.of("mode", "view", "sso", true));
    refused.then().statusCode(400);
    assertThat(refused.jsonPath().getString("message"))
        .isEqualTo("sso needs an interactive console");
    assertThat(host.agent().prepared()).hasSize(prepared);
  }

  @Test
  void refusesSsoWhenTheGuestReportedNoSpn() {
    UUID vm = host.nextVm();
    host.agent().setGuestSpn("");
    Response refused = open(given(), vm, Map.of("sso", true));
    refused.then().statusCode(409);
    assertThat(refused.jsonPath().getString("message"))
        .contains("reported no Kerberos service principal");
    assertThat(detail(audit(vm, "console.ticket-refused").get(0))).containsEntry("sso", true);
    assertThat(audit(vm, "console.ticket-issued")).as("the session was rolled back").isEmpty();

    host.agent().setGuestSpn("HTTP/evil@PORTHOLE.TEST\n");
    Response malformed = open(given(), vm, Map.of("sso", true));
    malformed.then().statusCode(409);
    assertThat(malformed.jsonPath().getString("message"))
        .contains("HTTP/evil@PORTHOLE.TEST?")
        .contains("nothing was pinned");
  }

  @Test
  void refusesSsoWithTheAgentsReasonWhenTheGuestCannotDoIt() {
    UUID vm = host.nextVm();
    host.agent()
        .failPreparesWith(
            Status.FAILED_PRECONDITION.withDescription(
                "the domain has no org.porthole.sso.0 channel"));
    Response refused = open(given(), vm, Map.of("sso", true));
    refused.then().statusCode(409);
    assertThat(refused.jsonPath().getString("message"))
        .isEqualTo(
            "the host agent refused a console of VM "
                + vm
                + ": the domain has no org.porthole.sso.0 channel");
  }

  private static Response open(RequestSpecification as, UUID vm, Map<String, Object> body) {
    return as.contentType(ContentType.JSON).body(body).post("/api/v1/vms/" + vm + "/consoles");
  }

  /** The VM's audit rows of one kind, newest first. */
  private static List<Map<String, Object>> audit(UUID vm, String kind) {
    return given()
        .get("/api/v1/audit?vm=" + vm)
        .jsonPath()
        .getList("findAll { it.kind == '" + kind + "' }");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> detail(Map<String, Object> row) {
    return (Map<String, Object>) row.get("detail");
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

  private static PrepareConsoleRequest preparedFor(UUID sessionId) {
    return host.agent().prepared().stream()
        .filter(p -> p.getSessionId().equals(sessionId.toString()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PrepareConsole for session " + sessionId));
  }
}
