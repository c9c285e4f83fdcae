package org.porthole.engine.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;

/** REST calls and waits the engine ITs share. */
public final class EngineApi {

  /** Events travel through a real broker: allow for a consumer rebalance. */
  public static final Duration EVENT_WAIT = Duration.ofSeconds(30);

  private EngineApi() {}

  /** Waits until the inventory lists the VM and returns it. */
  public static JsonPath awaitVm(UUID vmId) {
    await("VM " + vmId + " in the inventory")
        .atMost(EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> given().get("/api/v1/vms/" + vmId).statusCode() == 200);
    return given().get("/api/v1/vms/" + vmId).then().extract().jsonPath();
  }

  /** Waits until the VM's field {@code path} has {@code value}. */
  public static void awaitVmField(UUID vmId, String path, Object value) {
    await("VM " + vmId + " " + path + " = " + value)
        .atMost(EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var response = given().get("/api/v1/vms/" + vmId);
              return response.statusCode() == 200 && value.equals(response.jsonPath().get(path));
            });
  }

  /** Waits until the console session is in {@code state} and returns it. */
  public static JsonPath awaitSessionState(UUID sessionId, String state) {
    await("session " + sessionId + " " + state)
        .atMost(EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> state.equals(session(sessionId).getString("state")));
    return session(sessionId);
  }

  public static JsonPath session(UUID sessionId) {
    return given().get("/api/v1/consoles/" + sessionId).then().statusCode(200).extract().jsonPath();
  }

  /** Opens a console and expects 201. */
  public static JsonPath openConsole(UUID vmId) {
    return given()
        .post("/api/v1/vms/" + vmId + "/consoles")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }
}
