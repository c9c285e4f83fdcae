package org.porthole.engine.sso;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * A VM's SSO settings through {@code /api/v1/vms/{id}/sso} on real parts: only a porthole-admin
 * moves the pin or the delegation policy (audited), tickets name what was set, and forgetting lets
 * the guest's next report pin again.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SpnPinningIT {

  private static final String SPN = "host/pinning.porthole.test@PORTHOLE.TEST";
  private static final String ADMIN_SPN = "host/chosen.porthole.test@PORTHOLE.TEST";
  private static final int VMS = 5;

  private static LearnedHost host;

  private final Acls acls = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @BeforeEach
  void learnHost() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "pin-", VMS);
    }
    host.agent().setGuestSpn(SPN);
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
  void onlyAPortholeAdminChangesThePin() {
    UUID vm = host.nextVm();
    acls.grantUser("alice", vm, "admin");
    String body = "{\"spn\":\"" + ADMIN_SPN + "\"}";

    for (String user : List.of("alice", "bob")) {
      Response refused = put(SignIn.as(user), vm, body);
      refused.then().statusCode(403);
      assertThat(refused.jsonPath().getString("message")).contains("porthole-admin");
      SignIn.as(user).delete(path(vm)).then().statusCode(403);
    }
    assertThat(audit(vm, "vm.sso-changed")).isEmpty();

    JsonPath set = put(given(), vm, body).then().statusCode(200).extract().jsonPath();
    assertThat(set.getString("spn")).isEqualTo(ADMIN_SPN);
    assertThat(set.getString("source")).isEqualTo("admin");
    assertThat(set.getString("setBy")).isEqualTo("admin");
    Map<String, Object> changed = audit(vm, "vm.sso-changed").get(0);
    assertThat(changed).containsEntry("actor", "admin");
    assertThat(detail(changed)).containsEntry("spn", ADMIN_SPN).containsEntry("previousSpn", "");

    JsonPath seenByVmAdmin =
        SignIn.as("alice").get(path(vm)).then().statusCode(200).extract().jsonPath();
    assertThat(seenByVmAdmin.getString("spn")).isEqualTo(ADMIN_SPN);
    SignIn.as("bob").get(path(vm)).then().statusCode(404);
  }

  @Test
  void aTicketNamesThePinAnAdminSetNotTheGuestsReport() {
    UUID vm = host.nextVm();
    put(given(), vm, "{\"spn\":\"" + ADMIN_SPN + "\",\"delegation\":\"never\"}")
        .then()
        .statusCode(200);

    JsonPath ticket = openSso(vm);
    assertThat(ticket.getString("sso.spn")).isEqualTo(ADMIN_SPN);
    assertThat(ticket.getString("sso.delegation")).isEqualTo("never");
    JsonPath settings = given().get(path(vm)).then().statusCode(200).extract().jsonPath();
    assertThat(settings.getString("reportedSpn")).isEqualTo(SPN);
    assertThat(settings.getBoolean("delegationDefault")).isFalse();
    assertThat(audit(vm, "vm.sso-spn-mismatch")).hasSize(1);
  }

  @Test
  void forgettingThePinLetsTheNextReportPin() {
    UUID vm = host.nextVm();
    openSso(vm);
    JsonPath forgotten = given().delete(path(vm)).then().statusCode(200).extract().jsonPath();
    assertThat(forgotten.getString("spn")).isNull();
    assertThat(forgotten.getString("delegation")).isEqualTo("ok-as-delegate");
    assertThat(forgotten.getBoolean("delegationDefault")).isTrue();
    assertThat(audit(vm, "vm.sso-forgotten")).hasSize(1);

    host.agent().setGuestSpn(ADMIN_SPN);
    assertThat(openSso(vm).getString("sso.spn")).isEqualTo(ADMIN_SPN);
    assertThat(audit(vm, "vm.sso-spn-learned")).hasSize(2);
    assertThat(audit(vm, "vm.sso-spn-mismatch")).isEmpty();
  }

  @Test
  void refusesAMalformedBody() {
    UUID vm = host.nextVm();
    for (String body :
        List.of(
            "{}",
            "{\"spn\":\"HTTP/web.porthole.test@PORTHOLE.TEST\"}",
            "{\"spn\":\"host/a b@R\"}",
            "{\"delegation\":\"sometimes\"}",
            "{\"spn\":\"" + SPN + "\",\"owner\":\"bob\"}")) {
      put(given(), vm, body).then().statusCode(400);
    }
    given().put(path(vm)).then().statusCode(400);
    assertThat(given().get(path(vm)).jsonPath().getString("spn")).isNull();
    given().put("/api/v1/vms/" + UUID.randomUUID() + "/sso").then().statusCode(400);
    put(given(), UUID.randomUUID(), "{\"spn\":\"" + SPN + "\"}").then().statusCode(404);
  }

  private static String path(UUID vm) {
    return "/api/v1/vms/" + vm + "/sso";
  }

  private static Response put(RequestSpecification as, UUID vm, String body) {
    return as.contentType(ContentType.JSON).body(body).put(path(vm));
  }

  private static JsonPath openSso(UUID vm) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("sso", true))
        .post("/api/v1/vms/" + vm + "/consoles")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

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
}
