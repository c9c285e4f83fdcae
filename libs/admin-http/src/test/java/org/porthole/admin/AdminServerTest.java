package org.porthole.admin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.admin.health.CheckResult;
import org.porthole.admin.health.HealthCheck;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.admin.metrics.ServiceMeters;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;

/** The admin port over real HTTP on a free loopback port. */
class AdminServerTest {
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private final AtomicInteger metricsCalls = new AtomicInteger();
  private ServiceMeters meters;
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    meters = ServiceMeters.create("unit-test");
    admin =
        AdminServer.builder(
                () -> {
                  metricsCalls.incrementAndGet();
                  return meters.scrape();
                })
            .liveness(HealthCheck.of("loops", () -> CheckResult.UP))
            .readiness(
                HealthCheck.of(
                    "libvirt",
                    () ->
                        ready.get()
                            ? CheckResult.UP.with("uri", "qemu:///system")
                            : CheckResult.down("no answer within 2000 ms")))
            .start(new AdminAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    admin.close();
    meters.close();
  }

  @Test
  void healthAnswersInSmallRyesShape() throws Exception {
    AdminGet.Answer live = AdminGet.get(admin.url() + "/q/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.body())
        .isEqualTo("{\"status\":\"UP\",\"checks\":[{\"name\":\"loops\",\"status\":\"UP\"}]}");

    AdminGet.Answer readyAnswer = AdminGet.get(admin.url() + "/q/health/ready");
    assertThat(readyAnswer.status()).isEqualTo(200);
    assertThat(readyAnswer.body())
        .isEqualTo(
            "{\"status\":\"UP\",\"checks\":[{\"name\":\"libvirt\",\"status\":\"UP\","
                + "\"data\":{\"uri\":\"qemu:///system\"}}]}");

    AdminGet.Answer all = AdminGet.get(admin.url() + "/q/health");
    assertThat(all.body()).contains("\"name\":\"loops\"", "\"name\":\"libvirt\"");
  }

  @Test
  void readinessDownAnswers503AndLivenessStays200() throws Exception {
    ready.set(false);
    AdminGet.Answer answer = AdminGet.get(admin.url() + "/q/health/ready");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body())
        .startsWith("{\"status\":\"DOWN\"")
        .contains("\"reason\":\"no answer within 2000 ms\"");
    assertThat(AdminGet.get(admin.url() + "/q/health").status()).isEqualTo(503);
    assertThat(AdminGet.get(admin.url() + "/q/health/live").status()).isEqualTo(200);

    ready.set(true);
    assertThat(AdminGet.get(admin.url() + "/q/health/ready").status()).isEqualTo(200);
  }

  @Test
  void metricsCarryTheServiceTagAndTheJvmBinders() throws Exception {
    ConsoleMeters consoles = new ConsoleMeters(meters.registry());
    consoles.bytes(ConsoleMeters.Direction.TO_VM).increment(1234);
    MetricsScrape scrape = AdminGet.metrics(admin.url() + "/metrics");
    assertThat(
            scrape.sum("porthole_relay_bytes_total", "direction", "to_vm", "service", "unit-test"))
        .isEqualTo(1234.0);
    assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
    assertThat(scrape.has("process_uptime_seconds")).isTrue();
    assertThat(scrape.find("jvm_threads_live_threads").get(0).labels())
        .containsEntry("service", "unit-test");
  }

  @Test
  void refusesOtherMethodsAndPaths() throws Exception {
    AdminGet.Answer post = AdminGet.send("POST", admin.url() + "/metrics");
    assertThat(post.status()).isEqualTo(405);
    assertThat(AdminGet.send("DELETE", admin.url() + "/q/health").status()).isEqualTo(405);
    assertThat(AdminGet.get(admin.url() + "/").status()).isEqualTo(404);
    assertThat(AdminGet.get(admin.url() + "/q/health/started").status()).isEqualTo(404);
    assertThat(AdminGet.get(admin.url() + "/metrics/x").status()).isEqualTo(404);
    assertThat(metricsCalls).as("a refused request never scrapes").hasValue(0);
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    AdminGet.Answer head = AdminGet.send("HEAD", admin.url() + "/q/health/ready");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    ready.set(false);
    assertThat(AdminGet.send("HEAD", admin.url() + "/q/health/ready").status()).isEqualTo(503);
  }

  @Test
  void boundPortIsReportedWhenZeroWasAsked() {
    assertThat(admin.address().getPort()).isPositive();
    assertThat(admin.url()).isEqualTo("http://127.0.0.1:" + admin.address().getPort());
  }

  @Test
  void addressKeysHaveDefaultsAndRefuseANegativePort() {
    AdminAddress defaults = AdminAddress.from(Settings.of(java.util.Map.of()), "porthole.x", 9181);
    assertThat(defaults).isEqualTo(new AdminAddress("127.0.0.1", 9181));
    AdminAddress set =
        AdminAddress.from(
            Settings.of(
                java.util.Map.of("porthole.x.admin-bind", "0.0.0.0", "porthole.x.admin-port", "0")),
            "porthole.x",
            9181);
    assertThat(set).isEqualTo(new AdminAddress("0.0.0.0", 0));
    assertThatThrownBy(
            () ->
                AdminAddress.from(
                    Settings.of(java.util.Map.of("porthole.x.admin-port", "-1")),
                    "porthole.x",
                    9181))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.x.admin-port");
  }

  @Test
  void clientsThatSendHalfARequestAreCutAndProbesAnswerAgain() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", admin.address().getPort());
        socket.getOutputStream().write("GET /q/health/live HTTP/1.1\r\n".getBytes(US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      // Both executor threads may now be held; a probe must still be answered once the server
      // cuts the half requests (REQUEST_SECONDS), not never.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int status = -1;
      while (status != 200) {
        assertThat(System.nanoTime()).as("a probe answered within 60 s").isLessThan(deadline);
        try {
          status = AdminGet.get(admin.url() + "/q/health/live").status();
        } catch (IOException e) {
          status = -1;
        }
      }
      for (Socket socket : stalled) {
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
        assertThat(socket.getInputStream().read()).as("the half request is cut").isEqualTo(-1);
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }
}
