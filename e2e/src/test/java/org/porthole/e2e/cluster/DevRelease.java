package org.porthole.e2e.cluster;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.kafka.KafkaAccess;
import org.porthole.stack.kube.Kube;
import org.porthole.stack.launcher.ExtraEndpoints;
import org.porthole.stack.launcher.LocalStack;

/**
 * The release of {@code ci/dev-values.yaml} against a one-machine stack that serves the node's
 * address ({@link LocalStack#extraEndpoints()}): the identities from the stack's development CA
 * through the chart's bootstrap script, the Secrets and the Keycloak CA ConfigMap the file names
 * (values only ever from files), {@code helm install} with the stack's addresses and this machine's
 * libvirt group, {@code helm upgrade} and {@code helm uninstall}.
 */
final class DevRelease {
  static final String RELEASE = "porthole";
  static final String NAMESPACE = "porthole";

  /** The node's host agent as {@code ci/dev-values.yaml} names it: the node's address. */
  static final String HOST_ID = Kube.NODE_IP + ":19443";

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private final Kube kube;
  private final LocalStack stack;
  private final ExtraEndpoints extra;
  private final Path chart;
  private final Path dir;

  DevRelease(Kube kube, LocalStack stack, Path chart, Path dir) {
    this.kube = kube;
    this.stack = stack;
    this.extra =
        stack
            .extraEndpoints()
            .orElseThrow(() -> new IllegalStateException("the stack serves no extra address"));
    this.chart = chart;
    this.dir = dir;
  }

  /** Namespace, identities, Secrets and ConfigMap, then {@code helm install}. */
  void install() throws IOException {
    kube.kubectl("create", "namespace", NAMESPACE);
    bootstrapIdentities();
    createSecrets();
    kube.kubectl(
        "-n",
        NAMESPACE,
        "create",
        "configmap",
        "porthole-dev-keycloak-ca",
        fromFile("ca.crt", extra.caFile()));
    new Helm(chart)
        .install()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeConfig(kube.kubeconfig())
        .withValuesFile(chart.resolve("ci/dev-values.yaml"))
        .set("image.tag", System.getProperty("porthole.version", "0.1.0-SNAPSHOT"))
        .set("postgresql.url", extra.jdbcUrl())
        .set("kafka.bootstrap", extra.kafkaBootstrap())
        .set("keycloak.url", extra.oidcUrl())
        .set("hostAgent.libvirtGroupId", libvirtGroupId())
        .call();
  }

  /** {@code helm upgrade --reuse-values} with {@code key=value}. */
  void upgrade(String key, Object value) {
    new Helm(chart)
        .upgrade()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeConfig(kube.kubeconfig())
        .reuseValues()
        .set(key, value)
        .call();
  }

  void uninstall() {
    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfig(kube.kubeconfig()).call();
  }

  /** The stack's development CA (its {@code DevPki} layout): it signs every identity. */
  Path caCert() {
    return stack.options().stateDir().resolve("pki/ca.pem");
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
            caCert().toString(),
            "--ca-key",
            stack.options().stateDir().resolve("pki/ca.key").toString(),
            "--node",
            Kube.NODE + "=" + HOST_ID),
        Map.of("KUBECONFIG", kube.kubeconfig().toString()),
        "",
        SCRIPT_TIMEOUT);
  }

  /** The Secrets {@code ci/dev-values.yaml} names. */
  private void createSecrets() throws IOException {
    // The chart's agent has a host id of its own: the stack grants its Kafka user as its own one's.
    KafkaAccess kafka = stack.kafka().access();
    createSecret(
        "porthole-dev-postgresql",
        "--from-literal=username=" + stack.postgres().user(),
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

  /**
   * The libvirt group's id on this machine (the node), for the host agent's supplemental group:
   * {@code ci/dev-values.yaml}'s 106 is another machine's.
   */
  private static int libvirtGroupId() throws IOException {
    String entry = ChildProcess.run(List.of("getent", "group", "libvirt"), Duration.ofSeconds(10));
    return Integer.parseInt(entry.strip().split(":")[2]);
  }
}
