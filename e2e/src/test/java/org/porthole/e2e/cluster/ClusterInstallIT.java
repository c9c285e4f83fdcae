package org.porthole.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.e2e.Browser;
import org.porthole.e2e.ConsolePage;
import org.porthole.e2e.SharedStack;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Sleep;
import org.porthole.stack.kafka.KafkaAccess;
import org.porthole.stack.kube.Kube;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;

/**
 * The chart installed on the real one-node Kubernetes ({@code deploy/local/k8s}) with {@code
 * ci/dev-values.yaml} against the one-machine stack: the project's images imported (no registry),
 * identities from the stack's development CA through the chart's bootstrap script, the Secrets the
 * chart README's dev section lists made from the stack's state; every pod becomes Ready, alice sees
 * the demo VM's screen in Chromium through the in-cluster engine and ws-proxy (the ws-proxy's own
 * metrics count the console), and {@code helm uninstall} leaves nothing of the release running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterInstallIT {
  private static final String RELEASE = "porthole";
  private static final String NAMESPACE = "porthole";

  /** The node's host agent as {@code ci/dev-values.yaml} names it. */
  private static final String HOST_ID = "localhost:19443";

  /**
   * The engine and the ws-proxy's admin port on the node's network, as dev-values.yaml puts them.
   */
  private static final String ENGINE_URL = "http://localhost:18080";

  private static final String PROXY_METRICS = "http://127.0.0.1:19181/metrics";
  private static final List<String> COMPONENTS = List.of("engine", "ws-proxy", "host-agent");
  private static final String INSTANCE = "-l=app.kubernetes.io/instance=" + RELEASE;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration GONE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private final Path repo =
      Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
  private final Path chart = repo.resolve("deploy/helm/porthole");
  private Path dir;
  private LocalStack stack;
  private DevSecrets secrets;
  private Kube kube;
  private boolean installed;

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    dir = tmp;
    for (String component : COMPONENTS) {
      assertThat(image(component))
          .as("the " + component + " image: build it with ./mvnw -Pimages package")
          .isRegularFile();
    }
    stack = SharedStack.get();
    secrets = new DevSecrets(stack.options());
    kube = Kube.start(repo.resolve("e2e/target/cluster-" + ProcessHandle.current().pid()));
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (installed) {
        uninstall();
      }
    } finally {
      if (kube != null) {
        kube.close();
      }
    }
  }

  @Test
  @Order(1)
  void installsWithTheDevValuesAndEveryPodBecomesReady() throws IOException {
    for (String component : COMPONENTS) {
      kube.importImage(image(component));
    }
    kube.kubectl("create", "namespace", NAMESPACE);
    bootstrapIdentities();
    createSecrets();
    new Helm(chart)
        .install()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeConfig(kube.kubeconfig())
        .withValuesFile(chart.resolve("ci/dev-values.yaml"))
        .set("image.tag", System.getProperty("porthole.version", "0.1.0-SNAPSHOT"))
        .set("postgresql.url", secrets.jdbcUrl())
        .set("kafka.bootstrap", secrets.kafkaBootstrap())
        .set("keycloak.url", stack.realmUrl())
        .set("hostAgent.libvirtGroupId", libvirtGroupId())
        .call();
    installed = true;
    Map<String, String> ready = awaitEveryPodReady();
    assertThat(ready.keySet()).as("components").containsExactlyInAnyOrderElementsOf(COMPONENTS);
  }

  @Test
  @Order(2)
  void aliceSeesTheVmScreenThroughTheInClusterEngineAndWsProxy(@TempDir Path profile)
      throws IOException {
    assertThat(installed).as("installed by the previous test").isTrue();
    MetricsScrape before = AdminGet.metrics(PROXY_METRICS);
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      ConsolePage.open(browser, ENGINE_URL, stack.demoVmUuid());
      ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-cluster-console.png"));
      MetricsScrape during = AdminGet.metrics(PROXY_METRICS);
      assertThat(during.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
          .as("consoles open at the in-cluster ws-proxy while the VM's screen is shown")
          .isEqualTo(1);
      assertThat(
              during.sum("porthole_token_verifications_total", "result", "ok")
                  - before.sumOrZero("porthole_token_verifications_total", "result", "ok"))
          .as("tokens the in-cluster ws-proxy verified")
          .isEqualTo(1);
      assertThat(during.sum("porthole_relay_bytes_total", "direction", "to_client"))
          .as("bytes from the VM through the in-cluster ws-proxy")
          .isPositive();
    } finally {
      browser.quit();
    }
  }

  @Test
  @Order(3)
  void uninstallLeavesNothingOfTheReleaseRunning() throws IOException {
    assertThat(installed).as("installed by the previous test").isTrue();
    uninstall();
    String left = awaitNothingLeft();
    assertThat(left).as("objects of the release after helm uninstall").isEmpty();
  }

  private Path image(String component) {
    return repo.resolve("services/" + component + "/target/image/porthole-" + component + ".tar");
  }

  /** The chart's own script, with the stack's development CA and the node's host id. */
  private void bootstrapIdentities() throws IOException {
    ChildProcess.run(
        List.of(
            "bash",
            chart.resolve("files/bootstrap-identities.sh").toString(),
            "--release",
            RELEASE,
            "--namespace",
            NAMESPACE,
            "--ca-cert",
            secrets.caCert().toString(),
            "--ca-key",
            secrets.caKey().toString(),
            "--node",
            Kube.NODE + "=" + HOST_ID),
        Map.of("KUBECONFIG", kube.kubeconfig().toString()),
        "",
        SCRIPT_TIMEOUT);
  }

  /** The Secrets {@code ci/dev-values.yaml} names; values only ever from files. */
  private void createSecrets() throws IOException {
    // The chart's agent has a host id of its own: the stack grants its Kafka user as its own one's.
    KafkaAccess kafka = stack.kafka().access();
    createSecret(
        "porthole-dev-postgresql",
        "--from-literal=username=porthole",
        fromFile("password", valueFile("postgres.password", stack.postgres().password())));
    createSecret(
        "porthole-dev-kafka",
        fromFile(KafkaAccess.ENGINE_USER, kafka.engine().passwordFile()),
        fromFile(KafkaAccess.WS_PROXY_USER, kafka.wsProxy().passwordFile()),
        fromFile(KafkaAccess.hostAgentUser(HOST_ID), kafka.hostAgent(HOST_ID).passwordFile()));
    createSecret(
        "porthole-dev-keycloak",
        fromFile(
            "client-secret",
            valueFile("engine-client.secret", stack.keycloak().engineClientSecret())));
  }

  private void createSecret(String name, String... sources) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("-n", NAMESPACE, "create", "secret", "generic", name));
    args.addAll(List.of(sources));
    kube.kubectl(args.toArray(String[]::new));
  }

  /**
   * A file holding exactly {@code value} (owner only): the stack's own files end in a newline,
   * which a Secret would carry into the variable the engine reads.
   */
  private Path valueFile(String name, String value) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, value);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String fromFile(String key, Path file) {
    return "--from-file=" + key + "=" + file;
  }

  /** The libvirt group's id on this machine (the node), for the host agent's supplemental group. */
  private static int libvirtGroupId() throws IOException {
    String entry = ChildProcess.run(List.of("getent", "group", "libvirt"), Duration.ofSeconds(10));
    return Integer.parseInt(entry.strip().split(":")[2]);
  }

  /** Waits until each component has a pod and every pod is Ready; returns component → pod. */
  private Map<String, String> awaitEveryPodReady() throws IOException {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      last =
          kube.kubectl(
              "-n",
              NAMESPACE,
              "get",
              "pods",
              INSTANCE,
              "-o",
              "jsonpath={range .items[*]}{.metadata.labels.app\\.kubernetes\\.io/component}"
                  + " {.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}"
                  + "{end}");
      Map<String, String> ready = new TreeMap<>();
      boolean all = !last.isBlank();
      for (String line : last.strip().split("\n")) {
        String[] f = line.trim().split("\\s+");
        all &= f.length == 3 && f[2].equals("True");
        if (f.length >= 2) {
          ready.put(f[0], f[1]);
        }
      }
      if (all && ready.keySet().containsAll(COMPONENTS)) {
        return ready;
      }
      Sleep.millis(2000);
    }
    throw new AssertionError(
        "not every pod Ready after " + READY_TIMEOUT + ":\n" + last + "\n" + diagnosis());
  }

  private String diagnosis() {
    StringBuilder out = new StringBuilder();
    for (List<String> args :
        List.of(
            List.of("-n", NAMESPACE, "describe", "pods"),
            List.of("-n", NAMESPACE, "logs", INSTANCE, "--all-containers", "--tail=40"))) {
      try {
        out.append(kube.kubectl(args.toArray(String[]::new)));
      } catch (IOException e) {
        out.append(e.getMessage());
      }
    }
    return out.toString();
  }

  private void uninstall() {
    installed = false;
    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfig(kube.kubeconfig()).call();
  }

  /** Waits until no object of the release is left; returns what is left at the deadline. */
  private String awaitNothingLeft() throws IOException {
    Instant deadline = Instant.now().plus(GONE_TIMEOUT);
    String left;
    do {
      left =
          kube.kubectl(
                  "-n",
                  NAMESPACE,
                  "get",
                  "pods,deployments,daemonsets,replicasets,services,configmaps,"
                      + "poddisruptionbudgets,networkpolicies",
                  INSTANCE,
                  "-o",
                  "name")
              .strip();
      if (left.isEmpty()) {
        return left;
      }
      Sleep.millis(1000);
    } while (Instant.now().isBefore(deadline));
    return left;
  }
}
