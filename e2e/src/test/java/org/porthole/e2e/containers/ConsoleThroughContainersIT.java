package org.porthole.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.e2e.Browser;
import org.porthole.e2e.ConsolePage;
import org.porthole.e2e.SharedStack;
import org.porthole.e2e.images.HardenedRun;
import org.porthole.e2e.images.Poll;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.Spnego;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The Testcontainers tier: the engine and the ws-proxy from their images ({@link
 * ServicesFromImages}) with the one-machine stack's libvirt, host agent, PostgreSQL, Kafka,
 * Keycloak and KDC. Alice signs in with Kerberos in headless Chromium at the engine's container,
 * opens the demo VM's console through the ws-proxy's container and sees the VM's screen; then the
 * metrics of both containers and of the stack's host agent show exactly that one console, and the
 * engine records its session closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleThroughContainersIT {
  private static final Duration CONSOLE_CLOSE_WAIT = Duration.ofSeconds(30);

  /** The graphics DISCONNECT travels host agent → Kafka → an engine replica → the database. */
  private static final Duration SESSION_CLOSE_WAIT = Duration.ofSeconds(60);

  private static final Duration AUDIT_WAIT = Duration.ofSeconds(30);
  private static final String AUDIT_LAG = "porthole_kafka_publish_lag_seconds_count";

  private LocalStack stack;
  private ServicesFromImages services;

  @BeforeAll
  void start() throws Exception {
    stack = SharedStack.get();
    String version = System.getProperty("porthole.version");
    assertThat(version).as("system property porthole.version (the e2e pom sets it)").isNotBlank();
    Path work =
        Files.createDirectories(
            stack
                .options()
                .repoRoot()
                .resolve("e2e/target/containers-" + ProcessHandle.current().pid()));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    services = ServicesFromImages.start(stack, work, version);
    System.out.printf(
        "containers: engine ready %d ms, ws-proxy %d ms after their containers started%n",
        services.engine().startToReady().toMillis(), services.proxy().startToReady().toMillis());
  }

  @AfterAll
  void stop() {
    if (services != null) {
      services.close();
    }
  }

  @Test
  void servicesRunHardenedFromTheirImages() {
    for (HardenedRun run : List.of(services.engine(), services.proxy())) {
      assertThat(run.running()).isTrue();
      assertThat(run.processUids()).containsOnly(ServicesFromImages.SERVICE_UID);
      assertThat(run.processGids()).containsOnly(ServicesFromImages.SERVICE_UID);
      assertThat(run.readOnlyRoot()).isTrue();
    }
  }

  /**
   * The engine's own Kerberos acceptor reads the keytab (0600, owned by uid 10001) and krb5.conf
   * mounted under /etc/porthole/kerberos: an API call with a Negotiate ticket is alice's.
   */
  @Test
  void engineAcceptsNegotiateWithItsMountedKeytab(@TempDir Path dir) throws Exception {
    Path ccache = dir.resolve("krb5cc");
    stack.kdc().kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache);
    String ticket =
        Spnego.token(stack.kdc().krb5Conf(), ccache, "alice@" + Kdc.REALM, "HTTP@localhost");
    HttpResponse<String> me =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(services.engineUrl() + "/api/v1/me"))
                    .header("Authorization", "Negotiate " + ticket)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).as("GET /api/v1/me: %s", me.body()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(me.body()).path("name").asText()).isEqualTo("alice");
  }

  @Test
  void aliceSeesTheVmScreenThroughTheContainersAndTheirMetricsCountIt(@TempDir Path profile)
      throws Exception {
    EngineClient alice = EngineClient.as(services.engineUrl(), "alice", stack::token);
    Set<String> sessionsBefore = sessionIds(alice);
    MetricsScrape engineBefore = engineMetrics();
    MetricsScrape proxyBefore = proxyMetrics();
    MetricsScrape agentBefore = agentMetrics();
    double auditsBefore = auditsPublished();

    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      ConsolePage.open(browser, services.engineUrl(), stack.demoVmUuid());
      ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-containers-console.png"));
      assertThat(
              proxyMetrics().sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
          .as("consoles open at the ws-proxy while the VM's screen is shown")
          .isEqualTo(1);
    } finally {
      browser.quit();
    }

    assertProxyRelayedOneConsole(new MetricsDelta(proxyBefore, awaitProxyConsolesClosed()));
    assertEngineIssuedOneTicket(new MetricsDelta(engineBefore, engineMetrics()));
    assertOneSessionClosed(alice, sessionsBefore);
    assertHostAgentRelayedOneConsole(
        new MetricsDelta(agentBefore, awaitAgentConsolesOpen(agentBefore)));
    awaitAuditPublished(auditsBefore);
  }

  private static void assertEngineIssuedOneTicket(MetricsDelta engine) {
    String issued = "porthole_tickets_issued_total";
    assertThat(engine.moved(issued, "mode", "interactive", "channel", "vnc"))
        .as("interactive VNC tickets the engine issued")
        .isEqualTo(1);
    assertThat(engine.moved(issued)).as("all tickets the engine issued").isEqualTo(1);
    assertThat(engine.movedIfAny("porthole_tickets_refused_total")).isZero();
    assertThat(engine.after().find(issued).get(0).labels()).containsEntry("service", "engine");
  }

  private static void assertProxyRelayedOneConsole(MetricsDelta proxy) {
    String verified = "porthole_token_verifications_total";
    assertThat(proxy.moved(verified, "result", "ok")).as("tokens verified ok").isEqualTo(1);
    assertThat(proxy.moved(verified)).as("tokens verified, any result").isEqualTo(1);
    assertThat(proxy.moved("porthole_relay_bytes_total", "direction", "to_vm"))
        .as("bytes relayed to the VM")
        .isPositive();
    assertThat(proxy.moved("porthole_relay_bytes_total", "direction", "to_client"))
        .as("bytes relayed to the browser")
        .isPositive();
    assertThat(proxy.movedIfAny("porthole_relay_errors_total")).as("relay errors").isZero();
    assertThat(proxy.after().find(verified).get(0).labels()).containsEntry("service", "ws-proxy");
  }

  /**
   * The stack's host agent (a process, shared with the other e2e tests, which run one at a time)
   * verified this console's token again and relayed it, and published its graphics events.
   */
  private static void assertHostAgentRelayedOneConsole(MetricsDelta agent) {
    String verified = "porthole_token_verifications_total";
    assertThat(agent.moved(verified, "result", "ok"))
        .as("tokens the agent verified ok")
        .isEqualTo(1);
    assertThat(agent.moved(verified)).as("tokens the agent verified, any result").isEqualTo(1);
    assertThat(agent.moved("porthole_relay_bytes_total", "direction", "to_vm")).isPositive();
    assertThat(agent.moved("porthole_relay_bytes_total", "direction", "to_client")).isPositive();
    assertThat(agent.moved("porthole_kafka_publish_lag_seconds_count"))
        .as("events the agent published to Kafka")
        .isPositive();
  }

  /** The page made exactly one session; the engine closes it when the browser has gone. */
  private static void assertOneSessionClosed(EngineClient alice, Set<String> before)
      throws IOException, InterruptedException {
    Set<String> created = sessionIds(alice);
    created.removeAll(before);
    assertThat(created).as("console sessions the page created").hasSize(1);
    String session = created.iterator().next();
    Poll.until(
        SESSION_CLOSE_WAIT,
        () -> "closed".equals(session(alice, session).path("state").asText()),
        () -> "session " + session + " is not closed: " + session(alice, session));
    assertThat(session(alice, session).path("closeReason").asText()).isEqualTo("disconnected");
  }

  /**
   * The audit rows of this console reach Kafka; either engine replica's outbox may send them, so
   * the count is both replicas'.
   */
  private void awaitAuditPublished(double before) throws InterruptedException {
    Poll.until(
        AUDIT_WAIT,
        () -> auditsPublished() > before,
        () -> "no audit row was published to Kafka within " + AUDIT_WAIT);
  }

  private double auditsPublished() {
    try {
      double sum = 0;
      for (String admin :
          List.of(services.engineManagementUrl(), stack.options().engineManagementUrl())) {
        sum +=
            AdminGet.metrics(admin + "/metrics").sumOrZero(AUDIT_LAG, "topic", "porthole.audit.v1");
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MetricsScrape awaitProxyConsolesClosed() throws IOException, InterruptedException {
    Poll.until(
        CONSOLE_CLOSE_WAIT,
        () -> proxyConsolesOpen() == 0,
        () -> "the ws-proxy still counts " + proxyConsolesOpen() + " consoles open");
    return proxyMetrics();
  }

  /** Waits until the host agent relays as many consoles as before the test. */
  private MetricsScrape awaitAgentConsolesOpen(MetricsScrape before)
      throws IOException, InterruptedException {
    double open = before.sum("porthole_consoles_open");
    Poll.until(
        CONSOLE_CLOSE_WAIT,
        () -> agentConsolesOpen() == open,
        () -> "the host agent counts " + agentConsolesOpen() + " consoles open, not " + open);
    return agentMetrics();
  }

  private double agentConsolesOpen() {
    try {
      return agentMetrics().sum("porthole_consoles_open");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private double proxyConsolesOpen() {
    try {
      return proxyMetrics().sum("porthole_consoles_open");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MetricsScrape engineMetrics() throws IOException {
    return AdminGet.metrics(services.engineManagementUrl() + "/metrics");
  }

  private MetricsScrape proxyMetrics() throws IOException {
    return AdminGet.metrics(services.proxyAdminUrl() + "/metrics");
  }

  private MetricsScrape agentMetrics() throws IOException {
    return AdminGet.metrics(stack.options().agentAdminUrl() + "/metrics");
  }

  private static Set<String> sessionIds(EngineClient user) throws IOException {
    Set<String> ids = new HashSet<>();
    for (JsonNode session : user.json("/consoles?limit=500")) {
      ids.add(session.path("sessionId").asText());
    }
    return ids;
  }

  private static JsonNode session(EngineClient user, String id) {
    try {
      return user.json("/consoles/" + id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
