package org.porthole.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.net.SeverableLink;

/**
 * Readiness follows PostgreSQL: the engine reaches it through a link the test cuts, readiness turns
 * 503 DOWN (liveness stays UP: restarting would not bring the database back) and 200 UP again once
 * the link is mended; no health answer carries the database password or the JDBC URL, whose query
 * holds the credentials here.
 */
@QuarkusTest
@WithTestResource(
    value = StackResource.class,
    scope = TestResourceScope.MATCHING_RESOURCES,
    initArgs = @ResourceArg(name = StackResource.DATABASE_LINK, value = StackResource.SEVERABLE))
class ReadinessIT {

  private static final Duration TURN = Duration.ofSeconds(30);
  private static final String DATABASE_CHECK = "Database connections health check";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TestHTTPResource(value = "/", management = true)
  URI management;

  @ConfigProperty(name = "quarkus.datasource.password")
  String password;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @Test
  void readinessGoesDownWithPostgresqlAndUpWhenItReturns() throws Exception {
    SeverableLink link = StackResource.databaseLink();
    assertThat(link).as("the engine must reach PostgreSQL through the link").isNotNull();
    assertThat(jdbcUrl).contains(":" + link.port() + "/", "password=");
    awaitReadiness(200, "UP");

    link.sever();
    try {
      HttpResponse<String> down = awaitReadiness(503, "DOWN");
      JsonPath body = new JsonPath(down.body());
      assertThat(body.getString("checks.find { it.name == '" + DATABASE_CHECK + "' }.status"))
          .isEqualTo("DOWN");
      assertFreeOfSecrets(down.body());
      assertFreeOfSecrets(get("/q/health").body());
      HttpResponse<String> live = get("/q/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(new JsonPath(live.body()).getString("status")).isEqualTo("UP");
      assertThat(link.refused()).as("the engine tried PostgreSQL while cut").isPositive();
    } finally {
      link.restore();
    }

    HttpResponse<String> up = awaitReadiness(200, "UP");
    assertFreeOfSecrets(up.body());
  }

  private void assertFreeOfSecrets(String body) {
    assertThat(password).isNotBlank();
    assertThat(body)
        .doesNotContain(password)
        .doesNotContain(URLEncoder.encode(password, StandardCharsets.UTF_8))
        .doesNotContain(jdbcUrl)
        .doesNotContain("password=")
        .doesNotContain("jdbc:postgresql")
        .doesNotContain("\tat ");
  }

  private HttpResponse<String> awaitReadiness(int status, String state) {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    await("readiness " + status + " " + state)
        .atMost(TURN)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              HttpResponse<String> ready = get("/q/health/ready");
              last.set(ready);
              return ready.statusCode() == status
                  && state.equals(new JsonPath(ready.body()).getString("status"));
            });
    return last.get();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(management.resolve(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
