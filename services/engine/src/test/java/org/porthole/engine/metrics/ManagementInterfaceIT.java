package org.porthole.engine.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.admin.MetricsScrape;

/**
 * The engine's management interface: health and Prometheus metrics on their own port with no
 * sign-in, nothing else there, neither of them on the main port; and the ticket counters and the
 * audit outbox's publish lag move by exactly what a test did (real PostgreSQL, Kafka, Keycloak and
 * a stand-in host agent with mutual TLS).
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ManagementInterfaceIT {

  private static final String ISSUED = "porthole_tickets_issued_total";
  private static final String REFUSED = "porthole_tickets_refused_total";
  private static final String LAG_COUNT = "porthole_kafka_publish_lag_seconds_count";
  private static final String LAG_SUM = "porthole_kafka_publish_lag_seconds_sum";
  private static final String[] AUDIT_TOPIC = {"topic", "porthole.audit.v1"};
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static LearnedHost host;

  @TestHTTPResource(value = "/", management = true)
  URI management;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @Inject DataSource dataSource;

  @AfterAll
  static void stopAgent() {
    if (host != null) {
      host.close();
    }
  }

  @Test
  void healthAnswersWithoutSignInOnTheManagementPort() throws Exception {
    for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready")) {
      HttpResponse<String> health = get(path);
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      JsonPath body = new JsonPath(health.body());
      assertThat(body.getString("status")).as(path).isEqualTo("UP");
    }
    JsonPath ready = new JsonPath(get("/q/health/ready").body());
    assertThat(ready.getList("checks.name", String.class))
        .contains("Database connections health check");
  }

  @Test
  void metricsAnswerWithoutSignInWithJvmAndProcessSeriesAllTaggedEngine() throws Exception {
    // Prometheus' text format when asked for it (curl's */* gets OpenMetrics, also text).
    HttpResponse<String> metrics =
        HTTP.send(
            HttpRequest.newBuilder(management.resolve("/metrics"))
                .header("Accept", "text/plain; version=0.0.4")
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    MetricsScrape scrape = MetricsScrape.parse(metrics.body());
    String ours = porthole(metrics.body());
    assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
    assertThat(scrape.has("process_uptime_seconds")).isTrue();
    assertThat(scrape.find(ISSUED, "mode", "interactive", "channel", "vnc").isEmpty())
        .as(ours)
        .isFalse();
    assertThat(scrape.find(LAG_COUNT, AUDIT_TOPIC)).as(ours).isNotEmpty();
    assertThat(scrape.allLabelled("service", "engine")).isTrue();
  }

  @Test
  void mainPortServesNeitherHealthNorMetrics() {
    for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/metrics")) {
      assertThat(given().get(path).statusCode()).as("signed in: " + path).isEqualTo(404);
      var anonymous = SignIn.anonymous().redirects().follow(false).get(path);
      assertThat(anonymous.statusCode()).as("anonymous: " + path).isNotEqualTo(200);
      assertThat(anonymous.body().asString()).doesNotContain("\"checks\"", "jvm_memory");
    }
  }

  @Test
  void managementPortServesNothingElse() throws Exception {
    for (String path :
        List.of("/", "/index.html", "/api/v1/vms", "/api/v1/jwks", "/api/v1/ui", "/q/dev-ui")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
  }

  @Test
  void pageLinksTheManagementPortAndTheConfiguredServices() {
    JsonPath ui = given().get("/api/v1/ui").then().statusCode(200).extract().jsonPath();
    String base = "http://porthole.test:" + management.getPort();
    assertThat(ui.getString("engine.health")).isEqualTo(base + "/q/health");
    assertThat(ui.getString("engine.metrics")).isEqualTo(base + "/metrics");
    assertThat(ui.getList("serviceLinks.label", String.class)).containsExactly("ws-proxy health");
    assertThat(ui.getList("serviceLinks.url", String.class))
        .containsExactly("http://127.0.0.1:9181/q/health");
    assertThat(SignIn.anonymous().get("/api/v1/ui").statusCode()).isEqualTo(401);
  }

  @Test
  void countersMoveByExactlyTheTicketsIssuedAndRefused() throws Exception {
    if (host == null) {
      host = LearnedHost.start(pkiDir, "metrics-", 1);
    }
    UUID vm = host.nextVm();
    Quiet before = quiet();

    EngineApi.openConsole(vm);
    given()
        .contentType("application/json")
        .body("{\"mode\":\"view\"}")
        .post("/api/v1/vms/" + vm + "/consoles")
        .then()
        .statusCode(201);
    SignIn.as("alice").post("/api/v1/vms/" + vm + "/consoles").then().statusCode(403);
    given().post("/api/v1/vms/" + UUID.randomUUID() + "/consoles").then().statusCode(404);

    Quiet after = quiet();
    assertThat(after.delta(before, ISSUED, "mode", "interactive", "channel", "vnc")).isEqualTo(1);
    assertThat(after.delta(before, ISSUED, "mode", "view", "channel", "vnc")).isEqualTo(1);
    assertThat(after.delta(before, ISSUED, "channel", "sso")).isZero();
    assertThat(after.delta(before, REFUSED, "reason", "FORBIDDEN")).isEqualTo(1);
    assertThat(after.delta(before, REFUSED, "reason", "NOT_FOUND")).isEqualTo(1);
    assertThat(after.delta(before, REFUSED)).isEqualTo(2);
    // Every audit row written in between (2 issued, 2 refused, and any other) was acked once.
    long rows = auditRows(before.lastAuditId(), after.lastAuditId());
    assertThat(rows).isGreaterThanOrEqualTo(4);
    assertThat(after.delta(before, LAG_COUNT, AUDIT_TOPIC)).isEqualTo(rows);
    assertThat(after.delta(before, LAG_SUM, AUDIT_TOPIC)).isPositive();
  }

  /** A scrape taken while every audit row up to {@code lastAuditId} is published and no other. */
  private record Quiet(long lastAuditId, MetricsScrape scrape) {
    double delta(Quiet before, String name, String... labels) {
      return scrape.sumOrZero(name, labels) - before.scrape().sumOrZero(name, labels);
    }
  }

  /**
   * Scrapes between two looks at the audit table that agree (same last row, nothing unpublished): a
   * row's lag is recorded before it is marked published, so the scrape holds exactly the rows up to
   * that last one.
   */
  private Quiet quiet() {
    Quiet[] found = new Quiet[1];
    await("audit outbox quiet around a scrape")
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              long[] first = outbox();
              MetricsScrape scrape = MetricsScrape.parse(get("/metrics").body());
              long[] second = outbox();
              if (first[1] != 0 || second[1] != 0 || first[0] != second[0]) {
                return false;
              }
              found[0] = new Quiet(first[0], scrape);
              return true;
            });
    return found[0];
  }

  /** The last audit row's id and how many rows are unpublished. */
  private long[] outbox() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT coalesce(max(id), 0), count(*) FILTER (WHERE NOT published)"
                    + " FROM audit_events");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2)};
    }
  }

  /** Rows after {@code from} up to {@code to} that record when they were written. */
  private long auditRows(long from, long to) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM audit_events"
                    + " WHERE id > ? AND id <= ? AND recorded_at IS NOT NULL")) {
      statement.setLong(1, from);
      statement.setLong(2, to);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** The Porthole lines of a scrape, for a failure's message. */
  private static String porthole(String text) {
    return String.join("\n", text.lines().filter(line -> line.contains("porthole_")).toList());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(management.resolve(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
