package org.porthole.engine.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The console limits stop one user from taking every VNC client of a VM or hammering the host agent
 * with tickets: beyond them the answer is 429 TOO_MANY_REQUESTS with a clear message (and
 * Retry-After for the rate), audited as a refused ticket; below them tickets are issued. Small
 * limits here (3 consoles per user, 4 per VM, 6 tickets per user per minute); real PostgreSQL,
 * Kafka, Keycloak and a stand-in agent with mutual TLS.
 */
@QuarkusTest
@TestProfile(ConsoleLimitsIT.SmallLimits.class)
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ConsoleLimitsIT {

  /** The limits this class runs with. */
  public static final class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "porthole.console.max-per-user",
          "3",
          "porthole.console.max-per-vm",
          "4",
          "porthole.console.tickets-per-minute",
          "6");
    }
  }

  private static final UUID FIRST = UUID.randomUUID();
  private static final UUID SECOND = UUID.randomUUID();
  private static LearnedHost host;

  /** Grants live as long as this class's own engine and database (its test profile). */
  private static final Acls ACLS = new Acls();

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @Inject DataSource dataSource;

  @BeforeEach
  void learnHostAndForgetEarlierConsoles() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "limits-", List.of(FIRST, SECOND));
      for (UUID vm : host.vms()) {
        ACLS.grantUser("alice", vm, "console.view");
        ACLS.grantUser("bob", vm, "console.view");
      }
    }
    closeAllAndForgetTheLastMinute();
  }

  @AfterAll
  static void stopAgent() {
    if (host != null) {
      host.close();
    }
  }

  @Test
  void refusesAConsoleBeyondTheUsersCapAndIssuesOneOnceAConsoleClosed() throws Exception {
    for (UUID vm : List.of(FIRST, FIRST, SECOND)) {
      view(SignIn.as("alice"), vm).then().statusCode(201);
    }
    Response refused = view(SignIn.as("alice"), SECOND);
    refused.then().statusCode(429);
    assertThat(refused.jsonPath().getString("status")).isEqualTo("TOO_MANY_REQUESTS");
    assertThat(refused.jsonPath().getString("message"))
        .contains("you have 3 open consoles", "close one first");
    assertRefusalAudited("alice", SECOND);

    view(SignIn.as("bob"), SECOND).then().statusCode(201);
    closeAll("alice", 1);
    view(SignIn.as("alice"), SECOND).then().statusCode(201);
  }

  @Test
  void refusesAConsoleBeyondTheVmsCapWhateverTheUser() throws Exception {
    for (int i = 0; i < 3; i++) {
      view(SignIn.as("bob"), FIRST).then().statusCode(201);
    }
    view(SignIn.as("alice"), FIRST).then().statusCode(201);
    Response refused = view(SignIn.as("alice"), FIRST);
    refused.then().statusCode(429);
    assertThat(refused.jsonPath().getString("message"))
        .contains("VM " + FIRST + " has 4 open consoles");
    assertThat(refused.header("Retry-After")).isNull();
    assertRefusalAudited("alice", FIRST);
    view(SignIn.as("alice"), SECOND).then().statusCode(201);
  }

  @Test
  void refusesTicketsBeyondTheRateWithRetryAfter() throws Exception {
    for (int i = 0; i < 6; i++) {
      view(SignIn.as("alice"), FIRST).then().statusCode(201);
      closeAll("alice", 3);
    }
    Response refused = view(SignIn.as("alice"), FIRST);
    refused.then().statusCode(429);
    assertThat(refused.jsonPath().getString("message")).contains("at most 6 per minute");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 61);
    assertRefusalAudited("alice", FIRST);
    view(SignIn.as("bob"), FIRST).then().statusCode(201);
  }

  private static Response view(RequestSpecification as, UUID vm) {
    return as.contentType(ContentType.JSON)
        .body(Map.of("mode", "view"))
        .post("/api/v1/vms/" + vm + "/consoles");
  }

  private static void assertRefusalAudited(String user, UUID vm) {
    var audit = given().get("/api/v1/audit?user=" + user + "&vm=" + vm).jsonPath();
    assertThat(audit.getString("find { it.kind == 'console.ticket-refused' }.detail.status"))
        .isEqualTo("TOO_MANY_REQUESTS");
  }

  /**
   * Closes up to {@code count} of {@code owner}'s live sessions, as their viewers leaving would.
   */
  private void closeAll(String owner, int count) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "UPDATE console_sessions SET state = 'closed', closed_at = now(), close_reason = 'disconnected'"
                    + " WHERE id IN (SELECT id FROM console_sessions WHERE owner = ? AND state <> 'closed'"
                    + " ORDER BY created_at LIMIT ?)")) {
      st.setString(1, owner);
      st.setInt(2, count);
      st.executeUpdate();
    }
  }

  /**
   * Every test starts with alice and bob holding no live console and no ticket of the last minute.
   */
  private void closeAllAndForgetTheLastMinute() throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "UPDATE console_sessions SET state = 'closed', closed_at = now(), close_reason = 'disconnected',"
                    + " created_at = created_at - INTERVAL '2 minutes' WHERE owner IN ('alice', 'bob')")) {
      st.executeUpdate();
    }
  }
}
