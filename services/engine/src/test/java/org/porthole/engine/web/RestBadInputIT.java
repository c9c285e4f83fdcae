package org.porthole.engine.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.StackResource;

/** Bad input at the REST edge gets {status, message} and the engine keeps serving. */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RestBadInputIT {

  private static final String UNKNOWN_VM = UUID.randomUUID().toString();

  private static Response postConsole(String vmId, String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/vms/" + vmId + "/consoles");
  }

  private static void assertError(Response response, int http, String status) {
    response.then().statusCode(http).contentType(ContentType.JSON).body("status", equalTo(status));
    assertThat(response.asString())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("at org.");
  }

  @AfterEach
  void engineKeepsServing() {
    given().get("/api/v1/vms").then().statusCode(200);
  }

  @Test
  void malformedJsonBodyIsBadRequest() {
    Response response = postConsole(UNKNOWN_VM, "{\"channel\": ");
    assertError(response, 400, "BAD_REQUEST");
    response.then().body("message", equalTo("malformed JSON body"));
  }

  @Test
  void garbageBodyIsBadRequest() {
    assertError(postConsole(UNKNOWN_VM, "\u0000\u0001binary]]"), 400, "BAD_REQUEST");
  }

  @Test
  void unknownFieldIsBadRequest() {
    Response response = postConsole(UNKNOWN_VM, "{\"channel\": \"vnc\", \"colour\": \"red\"}");
    assertError(response, 400, "BAD_REQUEST");
    response.then().body("message", equalTo("unknown field: colour"));
  }

  @Test
  void wrongFieldTypeIsBadRequest() {
    Response response = postConsole(UNKNOWN_VM, "{\"channel\": {\"nested\": true}}");
    assertError(response, 400, "BAD_REQUEST");
    response.then().body("message", equalTo("field channel has the wrong type"));
  }

  @Test
  void reservedChannelIsBadRequest() {
    assertError(postConsole(UNKNOWN_VM, "{\"channel\": \"sso\"}"), 400, "BAD_REQUEST");
  }

  @Test
  void oversizedBodyIsRefused() {
    String huge = "{\"channel\": \"" + "v".repeat(200_000) + "\"}";
    assertThat(postConsole(UNKNOWN_VM, huge).statusCode()).isEqualTo(413);
  }

  @Test
  void malformedUuidInPathIsBadRequest() {
    assertError(given().get("/api/v1/vms/not-a-uuid"), 400, "BAD_REQUEST");
    assertError(postConsole("12345", "{}"), 400, "BAD_REQUEST");
    assertError(given().get("/api/v1/consoles/%2e%2e%2fetc"), 400, "BAD_REQUEST");
  }

  @Test
  void unknownVmIsNotFound() {
    assertError(given().get("/api/v1/vms/" + UNKNOWN_VM), 404, "NOT_FOUND");
    assertError(postConsole(UNKNOWN_VM, "{}"), 404, "NOT_FOUND");
  }

  @Test
  void consoleWithoutBodyOnUnknownVmIsNotFound() {
    assertError(given().post("/api/v1/vms/" + UNKNOWN_VM + "/consoles"), 404, "NOT_FOUND");
  }

  @Test
  void unknownSessionIsNotFound() {
    assertError(given().get("/api/v1/consoles/" + UUID.randomUUID()), 404, "NOT_FOUND");
  }

  @Test
  void wrongMethodIsAnswered() {
    assertError(given().delete("/api/v1/vms"), 400, "BAD_REQUEST");
  }

  @Test
  void wrongContentTypeIsBadRequest() {
    assertError(
        given()
            .contentType(ContentType.TEXT)
            .body("vnc")
            .post("/api/v1/vms/" + UNKNOWN_VM + "/consoles"),
        400,
        "BAD_REQUEST");
  }
}
