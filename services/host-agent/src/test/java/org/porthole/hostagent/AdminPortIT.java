package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.net.SeverableLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenMint;

/**
 * The agent's admin port against real parts: libvirt reached through a link the test can sever, a
 * real QEMU VM, a real Kafka broker. {@code /metrics} after a console the test relayed and one it
 * had refused; when libvirt is cut off, the open console ends, readiness goes DOWN and liveness
 * stays UP; when it is back, readiness is UP again, a new console opens, a domain started meanwhile
 * has its definition's password replaced, the engine is asked to learn the inventory again and
 * lifecycle events reach the agent over its new connection, each within a bounded wait.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPortIT {
  private static final Path LIBVIRT_SOCKET = Path.of("/run/libvirt/libvirt-sock");
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path dir;
  final TokenMint tokens = new TokenMint("admin-it");
  KafkaBroker broker;
  SeverableLink link;
  RunningAgent running;
  Connect libvirt;
  TestDomains domains;
  String vm;
  String admin;
  ManagedChannel consoles;
  LogCapture logs;
  Domain startedDuringOutage;

  @BeforeAll
  void start() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), dir.resolve("logs"));
    link = SeverableLink.unix(LIBVIRT_SOCKET);
    running = RunningAgent.withJwksOf(dir, tokens);
    libvirt = new Connect("qemu:///system");
    domains = new TestDomains(libvirt);
    vm = domains.start("admin", HostAgentLibvirtIT.SAFE_VNC).getUUIDString();
    HostAgent agent =
        running.start(
            broker, Map.of(AgentConfig.LIBVIRT_URI, "qemu+unix:///system?socket=" + link.path()));
    admin = agent.admin().url();
    consoles = running.proxyChannel();
  }

  @AfterAll
  void stop() throws Exception {
    if (logs != null) {
      logs.close();
    }
    if (consoles != null) {
      consoles.shutdownNow();
    }
    if (running != null) {
      running.close();
    }
    if (domains != null) {
      domains.close();
      libvirt.close();
    }
    if (link != null) {
      link.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void metricsCountTheConsolesTheTestRelayedAndRefused() throws Exception {
    assertThat(awaitStatus("/q/health/ready", 200).body())
        .contains("{\"name\":\"libvirt\",\"status\":\"UP\"");
    try (ConsoleSocket console = openConsole()) {
      MetricsScrape during = AdminGet.metrics(admin + "/metrics");
      assertThat(during.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
          .isEqualTo(1);
      assertThat(console.closeFrame()).isNull();
    }
    try (ConsoleSocket refused =
        ConsoleSocket.open(
            HostAgentGrpc.newStub(consoles),
            tokens.token("s-" + UUID.randomUUID(), vm, "kvm-elsewhere:9443"))) {
      assertThat(refused.in().read()).isEqualTo(-1);
    }

    MetricsScrape after = awaitConsolesClosed();
    // The handshake is the agent's own; QEMU's bytes are relayed from the update request on: its
    // 10 bytes to the VM, at least the update's 4-byte header back.
    assertThat(after.sum("porthole_relay_bytes_total", "direction", "to_vm"))
        .isGreaterThanOrEqualTo(10);
    assertThat(after.sum("porthole_relay_bytes_total", "direction", "to_client"))
        .isGreaterThanOrEqualTo(4);
    assertThat(after.sum("porthole_token_verifications_total", "result", "ok")).isEqualTo(1);
    assertThat(after.sum("porthole_token_verifications_total", "result", "FORBIDDEN")).isEqualTo(1);
    assertThat(after.has("porthole_guest_agents_responsive")).isTrue();
    assertThat(after.find("porthole_relay_bytes_total").get(0).labels())
        .containsEntry("service", "host-agent");
    MetricsScrape lag = awaitSample("porthole_kafka_publish_lag_seconds_count");
    assertThat(lag.sum("porthole_kafka_publish_lag_seconds_count")).isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(2)
  void anOutageEndsTheOpenConsoleAndKeepsTheAgentAlive() throws Exception {
    assertThat(awaitStatus("/q/health/ready", 200).status()).isEqualTo(200);
    logs = new LogCapture(Level.INFO);
    try (ConsoleSocket console = openConsole()) {
      long cut = System.nanoTime();
      link.sever();
      assertThat(console.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(console.closeFrame().getStatus()).isEqualTo("UPSTREAM_UNAVAILABLE");
      assertThat(console.closeFrame().getReason()).contains("lost its libvirt connection");
      AdminGet.Answer down = awaitStatus("/q/health/ready", 503);
      long downMs = (System.nanoTime() - cut) / 1_000_000;
      System.out.printf("libvirt cut: console ended and readiness DOWN after %d ms%n", downMs);
      assertThat(down.body()).contains("{\"name\":\"libvirt\",\"status\":\"DOWN\"");
      assertThat(downMs).as("readiness DOWN within the check's bound").isLessThan(5_000);
    }
    startedDuringOutage = domains.start("outage", HostAgentLibvirtIT.SAFE_VNC);
    AdminGet.Answer live = AdminGet.get(admin + "/q/health/live");
    assertThat(live.status()).as("liveness while reconnecting: " + live.body()).isEqualTo(200);
    assertThat(live.body()).contains("{\"name\":\"libvirt-connection\",\"status\":\"UP\"");
  }

  @Test
  @Order(3)
  void afterTheOutageConsolesOpenAndLifecycleEventsArrive() throws Exception {
    long mended = System.nanoTime();
    link.restore();
    assertThat(awaitStatus("/q/health/ready", 200).body())
        .contains("{\"name\":\"libvirt\",\"status\":\"UP\"");
    long upMs = (System.nanoTime() - mended) / 1_000_000;
    System.out.printf("libvirt restored: readiness UP after %d ms%n", upMs);
    // The backoff is at most 5 s between attempts, the readiness answer kept 1 s.
    assertThat(upMs).as("readiness UP again within the backoff's bound").isLessThan(8_000);

    try (ConsoleSocket console = openConsole()) {
      assertThat(console.closeFrame()).isNull();
    }
    awaitPasswordReplaced(startedDuringOutage);
    Domain d = libvirt.domainLookupByUUIDString(vm);
    d.resume();
    try {
      awaitLog("lifecycle RESUMED", vm);
    } finally {
      d.suspend();
    }
    String all = logs.all();
    assertThat(all).contains("libvirt connection lost").contains("libvirt connection back after");
    // Events libvirt sent meanwhile are lost: the next heartbeats carry a new boot id.
    assertThat(all).contains("the engine is asked to learn the inventory again");
    assertThat(all).as("no URI in the outage's lines").doesNotContain(link.path().toString());
  }

  /** A console through the agent, handshake done and QEMU's first update read. */
  private ConsoleSocket openConsole() throws Exception {
    ConsoleSocket console =
        ConsoleSocket.open(
            HostAgentGrpc.newStub(consoles),
            tokens.token("s-" + UUID.randomUUID(), vm, running.hostId()));
    ByteLink bytes = ByteLink.of(console.in(), console.out());
    assertThat(RfbClient.noneHandshake(bytes)).isTrue();
    assertThat(RfbClient.clientInit(bytes)).isNotNull();
    assertThat(RfbClient.framebufferUpdate(bytes)).isZero();
    return console;
  }

  /** The definition's password ("x") of a domain the agent did not see start is replaced. */
  private static void awaitPasswordReplaced(Domain d) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end && TestDomains.passwd(d).equals("x")) {
      Thread.sleep(50);
    }
    assertThat(TestDomains.passwd(d))
        .as("password of a domain started meanwhile")
        .isNotEqualTo("x");
  }

  private void awaitLog(String what, String vmUuid) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end && !logged(what, vmUuid)) {
      Thread.sleep(50);
    }
    assertThat(logged(what, vmUuid)).as(what + " of " + vmUuid + " within " + WAIT).isTrue();
  }

  private boolean logged(String what, String vmUuid) {
    return logs.lines().stream().anyMatch(l -> l.contains(what) && l.contains(vmUuid));
  }

  private MetricsScrape awaitConsolesClosed() throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    MetricsScrape scrape = AdminGet.metrics(admin + "/metrics");
    while (scrape.sum("porthole_consoles_open") != 0 && System.nanoTime() < end) {
      Thread.sleep(50);
      scrape = AdminGet.metrics(admin + "/metrics");
    }
    assertThat(scrape.sum("porthole_consoles_open")).as("consoles open after the test").isZero();
    return scrape;
  }

  private MetricsScrape awaitSample(String name) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    MetricsScrape scrape = AdminGet.metrics(admin + "/metrics");
    while (!scrape.has(name) && System.nanoTime() < end) {
      Thread.sleep(50);
      scrape = AdminGet.metrics(admin + "/metrics");
    }
    assertThat(scrape.has(name)).as(name + " within " + WAIT).isTrue();
    return scrape;
  }

  private AdminGet.Answer awaitStatus(String path, int status) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    AdminGet.Answer answer = AdminGet.get(admin + path);
    while (answer.status() != status && System.nanoTime() < end) {
      Thread.sleep(50);
      answer = AdminGet.get(admin + path);
    }
    assertThat(answer.status())
        .as(path + " within " + WAIT + ": " + answer.body())
        .isEqualTo(status);
    return answer;
  }
}
