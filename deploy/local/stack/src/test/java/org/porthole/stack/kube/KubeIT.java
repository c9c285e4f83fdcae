package org.porthole.stack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Sleep;

/**
 * The real one-node Kubernetes: the node becomes Ready, an image made here (no registry) runs as a
 * pod, a hostNetwork DaemonSet pod sees this machine's libvirt socket (the host agent's shape), and
 * closing leaves no process, mount or interface behind. One cluster for the class; the last test
 * closes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeIT {
  private static final Duration POD_TIMEOUT = Duration.ofSeconds(90);
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final Path LIBVIRT_SOCKET = Path.of("/var/run/libvirt/libvirt-sock");
  private static final String IMAGE = "porthole.test/busybox:it";

  /** The DaemonSet container's sleep: a command line found only while its pod runs. */
  private static final String SLEEP = "3613";

  private static final String HELLO = "hello from an image imported without a registry";

  private Path dir;
  private Kube kube;

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    dir = tmp;
    assertThat(BUSYBOX).as("busybox-static (./porthole setup installs it)").isExecutable();
    kube = Kube.start(dir.resolve("state"));
  }

  @AfterAll
  void stop() throws IOException {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  @Order(1)
  void nodeIsReadyOnKubernetes120() throws IOException {
    String ready =
        kube.kubectl(
            "get",
            "node",
            Kube.NODE,
            "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
    assertThat(ready).isEqualTo("True");
    // The chart's host agents run only on nodes labelled as KVM hosts; this node is one.
    assertThat(
            kube.kubectl(
                "get",
                "node",
                Kube.NODE,
                "-o",
                "jsonpath={.metadata.labels.porthole\\.io/kvm-host}"))
        .isEqualTo("true");
    assertThat(kube.kubectl("version", "--short")).contains("Server Version: v1.20.2");
    assertThat(Files.readString(kube.kubeconfig())).contains("token:").contains("127.0.0.1");
  }

  @Test
  @Order(2)
  void importedImageRunsAsPodAndItsLogIsRead() throws IOException {
    kube.importImage(busyboxImage());
    kube.kubectlWithInput(
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Pod",
            "metadata: {name: hello}",
            "spec:",
            "  restartPolicy: Never",
            "  containers:",
            "  - name: hello",
            "    image: " + IMAGE,
            "    imagePullPolicy: Never",
            "    command: [/bin/busybox, echo, '" + HELLO + "']"),
        "apply",
        "-f",
        "-");
    awaitOutput(
        "pod hello Succeeded",
        s -> s.equals("Succeeded"),
        "get",
        "pod",
        "hello",
        "-o",
        "jsonpath={.status.phase}");
    assertThat(kube.kubectl("logs", "hello").strip()).isEqualTo(HELLO);
  }

  @Test
  @Order(3)
  void hostNetworkDaemonSetSeesTheLibvirtSocket() throws IOException {
    assertThat(LIBVIRT_SOCKET).as("libvirtd's socket (./porthole setup starts libvirtd)").exists();
    kube.importImage(busyboxImage());
    kube.kubectlWithInput(
        String.join(
            "\n",
            "apiVersion: apps/v1",
            "kind: DaemonSet",
            "metadata: {name: libvirt-probe}",
            "spec:",
            "  selector: {matchLabels: {app: libvirt-probe}}",
            "  template:",
            "    metadata: {labels: {app: libvirt-probe}}",
            "    spec:",
            "      hostNetwork: true",
            "      containers:",
            "      - name: probe",
            "        image: " + IMAGE,
            "        imagePullPolicy: Never",
            "        command: [/bin/busybox, sh, -c, 'ls /libvirt; exec /bin/busybox sleep "
                + SLEEP
                + "']",
            "        volumeMounts: [{name: libvirt, mountPath: /libvirt}]",
            "      volumes: [{name: libvirt, hostPath: {path: /var/run/libvirt, type: Directory}}]"),
        "apply",
        "-f",
        "-");
    String selector = "-l=app=libvirt-probe";
    awaitOutput(
        "a running libvirt-probe pod",
        s -> s.equals("Running"),
        "get",
        "pods",
        selector,
        "-o",
        "jsonpath={.items[0].status.phase}");
    assertThat(kube.kubectl("get", "pods", selector, "-o", "jsonpath={.items[0].status.podIP}"))
        .as("a hostNetwork pod has the node's address")
        .isEqualTo(Kube.NODE_IP);
    awaitOutput("libvirt-sock in the pod's log", s -> s.contains("libvirt-sock"), "logs", selector);
  }

  @Test
  @Order(4)
  void closeLeavesNoProcessMountOrInterface() throws IOException {
    String state = kube.stateDir().toString();
    String container = "/bin/busybox sleep " + SLEEP;
    assertThat(processesMentioning(state)).as("processes of the running cluster").isNotEmpty();
    assertThat(processesMentioning(container)).as("the DaemonSet's container").isNotEmpty();
    kube.close();
    assertThat(processesMentioning(state)).as("processes left after close()").isEmpty();
    assertThat(processesMentioning(container)).as("containers left after close()").isEmpty();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(state + "/");
    assertThat(Files.exists(Path.of("/sys/class/net", Kube.BRIDGE))).as("bridge left").isFalse();
    assertThat(ChildProcess.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(10)))
        .doesNotContain("master " + Kube.BRIDGE);
  }

  /** A docker-archive tarball of busybox-static whose command is given by the pod. */
  private Path busyboxImage() throws IOException {
    Path tar = dir.resolve("busybox.tar");
    if (Files.exists(tar)) {
      return tar;
    }
    Path rootfs = dir.resolve("busybox-rootfs/bin");
    Files.createDirectories(rootfs);
    Files.copy(BUSYBOX, rootfs.resolve("busybox"));
    ChildProcess.run(
        List.of(
            "bash",
            kubeScript().toString(),
            "image-tar",
            IMAGE,
            rootfs.getParent().toString(),
            tar.toString(),
            "/bin/busybox",
            "true"),
        Map.of(),
        "",
        Duration.ofMinutes(1));
    return tar;
  }

  private static Path kubeScript() {
    return Path.of(System.getProperty("porthole.repo", "../../.."))
        .resolve("deploy/local/k8s/kube.sh")
        .toAbsolutePath()
        .normalize();
  }

  /** Polls kubectl until its output passes {@code done}; fails with the last output. */
  private void awaitOutput(String what, Predicate<String> done, String... args) throws IOException {
    Instant deadline = Instant.now().plus(POD_TIMEOUT);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        last = kube.kubectl(args).strip();
        if (done.test(last)) {
          return;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Sleep.millis(500);
    }
    throw new AssertionError(
        "no " + what + " after " + POD_TIMEOUT + "; last: " + last + "\n" + describePods());
  }

  private String describePods() {
    try {
      return kube.kubectl("describe", "pods");
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** Command lines of live processes that name {@code text} (the cluster's state directory). */
  private static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains(text)) {
            found.add(p.getFileName() + ": " + cmdline);
          }
        } catch (IOException e) {
          // the process ended while being listed
        }
      }
    }
    return found;
  }
}
