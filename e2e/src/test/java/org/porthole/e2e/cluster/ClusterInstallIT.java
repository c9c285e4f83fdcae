package org.porthole.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.e2e.Browser;
import org.porthole.e2e.ConsolePage;
import org.porthole.e2e.GuestSerial;
import org.porthole.e2e.cluster.ReleasePods.Pod;
import org.porthole.stack.kube.Kube;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.launcher.StackOptions;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;

/**
 * The chart installed on the real one-node Kubernetes ({@code deploy/local/k8s}) with {@code
 * ci/dev-values.yaml} against a one-machine stack of its own that serves the node's address (no
 * registry: the project's images imported). Engine and ws-proxy run in the pod network behind their
 * NodePort Services; the stack's own host agent is stopped, so the demo VM moves to the chart's
 * agent and every console goes through it. Every pod becomes Ready; alice signs in at Keycloak
 * (https, development CA) and sees the demo VM's screen through the in-cluster engine, ws-proxy and
 * host agent; {@code helm upgrade} to 3 engines keeps her console and every certificate, and a
 * second console opens after it; {@code helm uninstall} leaves nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterInstallIT {
  /** The engine's and ws-proxy's NodePorts on the node's address, as dev-values.yaml puts them. */
  private static final String ENGINE_URL = "http://" + Kube.NODE_IP + ":30080";

  /** The chart's host agent's admin port, on the node's address. */
  private static final String AGENT_METRICS = "http://" + Kube.NODE_IP + ":19182/metrics";

  private static final int PROXY_ADMIN_PORT = 9181;
  private static final int ENGINE_HTTPS_PORT = 8443;
  private static final String ENGINE_TLS = DevRelease.RELEASE + "-engine-tls";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration VM_MOVE_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration GONE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STILL_CONNECTED = Duration.ofSeconds(5);

  private final Path repo =
      Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
  private LocalStack stack;
  private Kube kube;
  private DevRelease release;
  private ReleasePods pods;
  private Identities identities;
  private DemoVmHost vmHost;
  private ChromeDriver browser;
  private boolean installed;

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    for (String component : ReleasePods.COMPONENTS) {
      assertThat(image(component))
          .as("the " + component + " image: build it with ./mvnw -Pimages package")
          .isRegularFile();
    }
    String run = "cluster-" + ProcessHandle.current().pid();
    kube = Kube.start(repo.resolve("e2e/target/" + run));
    Path state = Files.createDirectories(repo.resolve("e2e/target/" + run + "-stack"));
    stack =
        LocalStack.start(
            StackOptions.forTest(repo, state, "porthole-" + run).withExtraAddress(Kube.NODE_IP),
            what -> System.out.println("cluster stack: " + what));
    release = new DevRelease(kube, stack, repo.resolve("deploy/helm/porthole"), tmp);
    pods = new ReleasePods(kube);
    identities = new Identities(kube, release.caCert());
    vmHost = new DemoVmHost(stack);
    // Both agents would list the demo VM; the engine keeps it on the first until that one is
    // gone, so the chart's agent is the only one left to relay.
    stack.hostAgent().close();
    vmHost.awaitOwner(stack.options().agentHostId(), false, VM_MOVE_TIMEOUT);
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (browser != null) {
        browser.quit();
      }
      if (installed) {
        release.uninstall();
      }
    } finally {
      try {
        if (stack != null) {
          stack.close();
        }
      } finally {
        if (kube != null) {
          kube.close();
        }
      }
    }
  }

  @Test
  @Order(1)
  void installsWithTheDevValuesAndEveryPodBecomesReady() throws IOException {
    for (String component : ReleasePods.COMPONENTS) {
      kube.importImage(image(component));
    }
    Instant begun = Instant.now();
    release.install();
    installed = true;
    Map<String, List<Pod>> ready = pods.awaitReady(Map.of(), READY_TIMEOUT);
    System.out.printf("cluster: install to every pod Ready %d s%n", seconds(begun));
    assertThat(ready.keySet())
        .as("components")
        .containsExactlyInAnyOrderElementsOf(ReleasePods.COMPONENTS);
    vmHost.awaitOwner(DevRelease.HOST_ID, true, VM_MOVE_TIMEOUT);
    System.out.printf(
        "cluster: install to the demo VM on the chart's agent %d s%n", seconds(begun));
  }

  @Test
  @Order(2)
  void aliceSeesTheVmScreenThroughTheInClusterEngineWsProxyAndHostAgent(@TempDir Path profile)
      throws IOException {
    assertThat(installed).as("installed by the previous test").isTrue();
    MetricsScrape proxyBefore = AdminGet.metrics(proxyMetrics());
    MetricsScrape agentBefore = AdminGet.metrics(AGENT_METRICS);
    String pin = stack.keycloak().httpsSpkiPin().orElseThrow();
    browser = Browser.start(profile, "--ignore-certificate-errors-spki-list=" + pin);
    KeycloakForm.signIn(browser, ENGINE_URL, "alice");
    ConsolePage.open(browser, ENGINE_URL, stack.demoVmUuid());
    ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-cluster-console.png"));
    assertRelaying("ws-proxy", proxyBefore, AdminGet.metrics(proxyMetrics()), 1);
    assertRelaying("chart's host agent", agentBefore, AdminGet.metrics(AGENT_METRICS), 1);
  }

  @Test
  @Order(3)
  void upgradeToThreeEnginesKeepsTheOpenConsoleAndEveryCertificate()
      throws IOException, InterruptedException {
    assertThat(browser).as("a console opened by the previous test").isNotNull();
    Map<String, String> secrets = identities.secrets();
    assertThat(secrets)
        .as("identity Secrets")
        .containsKeys(
            ENGINE_TLS,
            DevRelease.RELEASE + "-ws-proxy-tls",
            DevRelease.RELEASE + "-host-agent-" + Kube.NODE + "-tls");
    byte[] engineCert = identities.secretCertificate(ENGINE_TLS);
    List<Pod> before = pods.list();
    MetricsScrape proxyBefore = AdminGet.metrics(proxyMetrics());
    MetricsScrape agentBefore = AdminGet.metrics(AGENT_METRICS);

    Instant begun = Instant.now();
    release.upgrade("engine.replicas", 3);
    List<Pod> engines = pods.awaitReady(Map.of("engine", 3), READY_TIMEOUT).get("engine");
    System.out.printf("cluster: helm upgrade to 3 engines Ready %d s%n", seconds(begun));

    assertThat(pods.list())
        .as("the first engine, the ws-proxy and the agent: the same pods, never restarted")
        .containsAll(before);
    Browser.awaitConsoleState(browser, "connected", STILL_CONNECTED);
    MetricsScrape proxyAfter = AdminGet.metrics(proxyMetrics());
    MetricsScrape agentAfter = AdminGet.metrics(AGENT_METRICS);
    assertNoConsoleEnded("ws-proxy", proxyBefore, proxyAfter);
    assertNoConsoleEnded("chart's host agent", agentBefore, agentAfter);
    ConsoleInput.typeLine(
        browser,
        new GuestSerial(stack.options().demoVmName()),
        "upgraded" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    ConsoleInput.awaitRelayed("ws-proxy", proxyMetrics(), proxyAfter);
    ConsoleInput.awaitRelayed("chart's host agent", AGENT_METRICS, agentAfter);
    assertThat(identities.secrets()).as("identity Secrets after the upgrade").isEqualTo(secrets);
    for (Pod engine : engines) {
      assertThat(identities.served(engine.ip(), ENGINE_HTTPS_PORT))
          .as("the certificate engine %s serves", engine.name())
          .isEqualTo(engineCert);
    }

    MetricsScrape proxyMid = AdminGet.metrics(proxyMetrics());
    MetricsScrape agentMid = AdminGet.metrics(AGENT_METRICS);
    browser.switchTo().newWindow(WindowType.TAB);
    ConsolePage.open(browser, ENGINE_URL, stack.demoVmUuid());
    ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-cluster-console-2.png"));
    assertRelaying("ws-proxy", proxyMid, AdminGet.metrics(proxyMetrics()), 2);
    assertRelaying("chart's host agent", agentMid, AdminGet.metrics(AGENT_METRICS), 2);
  }

  @Test
  @Order(4)
  void uninstallLeavesNothingOfTheReleaseRunning() throws IOException {
    assertThat(installed).as("installed by the previous test").isTrue();
    browser.quit();
    browser = null;
    installed = false;
    release.uninstall();
    String left = pods.awaitNothingLeft(GONE_TIMEOUT);
    assertThat(left).as("objects of the release after helm uninstall").isEmpty();
  }

  /**
   * {@code service} now relays {@code open} consoles, verified one more token than {@code before}
   * and sent the VM's screen.
   */
  private static void assertRelaying(
      String service, MetricsScrape before, MetricsScrape now, int open) {
    assertThat(now.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
        .as("consoles open at the " + service)
        .isEqualTo(open);
    String verified = "porthole_token_verifications_total";
    assertThat(now.sum(verified, "result", "ok") - before.sumOrZero(verified, "result", "ok"))
        .as("tokens the " + service + " verified")
        .isEqualTo(1);
    String bytes = "porthole_relay_bytes_total";
    assertThat(
            now.sum(bytes, "direction", "to_client")
                - before.sumOrZero(bytes, "direction", "to_client"))
        .as("bytes from the VM through the " + service)
        .isPositive();
    assertThat(now.sumOrZero("porthole_relay_errors_total")).as(service + " relay errors").isZero();
  }

  private static void assertNoConsoleEnded(
      String service, MetricsScrape before, MetricsScrape after) {
    String ended = "porthole_consoles_ended_total";
    assertThat(after.sumOrZero(ended) - before.sumOrZero(ended))
        .as("consoles the " + service + " ended during the upgrade")
        .isZero();
    assertThat(after.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
        .as("consoles open at the " + service + " after the upgrade")
        .isEqualTo(1);
  }

  /** The one ws-proxy pod's admin port, in the pod network (the host reaches pod IPs). */
  private String proxyMetrics() throws IOException {
    List<Pod> proxies = pods.of("ws-proxy");
    assertThat(proxies).as("ws-proxy pods").hasSize(1);
    return "http://" + proxies.get(0).ip() + ":" + PROXY_ADMIN_PORT + "/metrics";
  }

  private Path image(String component) {
    return repo.resolve("services/" + component + "/target/image/porthole-" + component + ".tar");
  }

  private static long seconds(Instant since) {
    return Duration.between(since, Instant.now()).toSeconds();
  }
}
