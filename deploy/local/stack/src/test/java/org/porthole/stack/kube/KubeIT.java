package org.porthole.stack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.host.ChildProcess;

/**
 * The real one-node Kubernetes: the node becomes Ready, an image made here (no registry) runs as a
 * pod, a hostNetwork DaemonSet pod sees this machine's libvirt socket (the host agent's shape),
 * Services answer by name (cluster DNS), ClusterIP and NodePort from pods, from the host and from
 * their own backing pod, and closing leaves no process, mount, interface or iptables chain behind.
 * One cluster for the class; the last test closes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeIT {
  private static final Path LIBVIRT_SOCKET = Path.of("/var/run/libvirt/libvirt-sock");
  private static final String IMAGE = KubeProbe.IMAGE;

  /** The DaemonSet container's sleep: a command line found only while its pod runs. */
  private static final String SLEEP = "3613";

  private static final String HELLO = "hello from an image imported without a registry";
  private static final String WEB_PAGE = "hello from the pod behind Service web";
  private static final String WEB_FQDN = "web.default.svc." + Kube.CLUSTER_DOMAIN;

  /** Host settings kube.sh changes while up and puts back on down. */
  private static final List<String> SYSCTLS =
      List.of("net/ipv4/conf/all/route_localnet", "net/bridge/bridge-nf-call-iptables");

  private final HttpClient http =
      HttpClient.newBuilder()
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Path dir;
  private List<String> sysctlsBefore;
  private Kube kube;
  private KubeProbe probe;

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    dir = tmp;
    KubeProbe.busyboxImage(dir);
    sysctlsBefore = sysctls();
    kube = Kube.start(dir.resolve("state"));
    probe = new KubeProbe(kube);
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
    kube.importImage(KubeProbe.busyboxImage(dir));
    probe.apply(
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: hello}",
        "spec:",
        "  restartPolicy: Never",
        "  containers:",
        "  - name: hello",
        "    image: " + IMAGE,
        "    imagePullPolicy: Never",
        "    command: [/bin/busybox, echo, '" + HELLO + "']");
    probe.awaitKubectl(
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
    kube.importImage(KubeProbe.busyboxImage(dir));
    probe.apply(
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
        "      volumes: [{name: libvirt, hostPath: {path: /var/run/libvirt, type: Directory}}]");
    String selector = "-l=app=libvirt-probe";
    probe.awaitKubectl(
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
    probe.awaitKubectl(
        "libvirt-sock in the pod's log", s -> s.contains("libvirt-sock"), "logs", selector);
  }

  @Test
  @Order(4)
  void serviceNamesResolveInPodsThroughTheClusterDns() throws IOException {
    String clusterIp = startWebService();
    assertThat(kube.kubectl("exec", "client", "--", "/bin/busybox", "cat", "/etc/resolv.conf"))
        .contains("nameserver " + Kube.DNS_IP)
        .contains("search default.svc." + Kube.CLUSTER_DOMAIN);
    // The full name, and the short ones through the search path (glibc's resolver, as a JVM's).
    for (String name : List.of(WEB_FQDN + ".", WEB_FQDN, "web.default", "web")) {
      probe.await(name + " resolving to " + clusterIp, clusterIp::equals, resolve(name));
    }
    String podIp = kube.kubectl("get", "pod", "web", "-o", "jsonpath={.status.podIP}").strip();
    probe.await("web-pods (headless) resolving to its pod", podIp::equals, resolve("web-pods"));
    // Names under the cluster domain come from the API alone, never from the host's resolvers:
    // getent exits 2 for a name that does not exist.
    assertThatThrownBy(() -> resolve("nosuch.default.svc." + Kube.CLUSTER_DOMAIN).get())
        .hasMessageContaining("exit code 2");
  }

  @Test
  @Order(5)
  void clusterIpAndNodePortReachTheBackingPod() throws IOException {
    String clusterIp = startWebService();
    String nodePort =
        kube.kubectl("get", "service", "web", "-o", "jsonpath={.spec.ports[0].nodePort}").strip();
    String viaClusterIp = "http://" + clusterIp + ":80/";
    String viaNodePort = "http://" + Kube.NODE_IP + ":" + nodePort + "/";
    probe.await(
        "the page through the ClusterIP from a pod",
        WEB_PAGE::equals,
        wget("client", viaClusterIp));
    probe.await(
        "the page through the NodePort from a pod", WEB_PAGE::equals, wget("client", viaNodePort));
    // Hairpin: the backing pod reaches itself through its own Service.
    probe.await(
        "the page through the ClusterIP from its own pod",
        WEB_PAGE::equals,
        wget("web", viaClusterIp));
    probe.await(
        "the page through the ClusterIP from the host", WEB_PAGE::equals, () -> get(viaClusterIp));
    probe.await(
        "the page through the NodePort from the host", WEB_PAGE::equals, () -> get(viaNodePort));
  }

  @Test
  @Order(6)
  void closeLeavesNoProcessMountInterfaceOrChain() throws IOException {
    String state = kube.stateDir().toString();
    String container = "/bin/busybox sleep " + SLEEP;
    List<String> services =
        List.of("bin/kube-proxy", "--listen-address=" + Kube.DNS_IP, "kube.sh dns-watch");
    assertThat(KubeProbe.processesMentioning(state))
        .as("processes of the running cluster")
        .isNotEmpty();
    assertThat(KubeProbe.processesMentioning(container))
        .as("the DaemonSet's container")
        .isNotEmpty();
    for (String service : services) {
      assertThat(KubeProbe.processesMentioning(service)).as("running: " + service).isNotEmpty();
    }
    assertThat(KubeProbe.iptablesRules()).contains(":KUBE-SERVICES").contains("-j KUBE-SERVICES");
    kube.close();
    assertThat(KubeProbe.processesMentioning(state)).as("processes left after close()").isEmpty();
    assertThat(KubeProbe.processesMentioning(container))
        .as("containers left after close()")
        .isEmpty();
    for (String service : services) {
      assertThat(KubeProbe.processesMentioning(service)).as("left: " + service).isEmpty();
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(state + "/");
    assertThat(Files.exists(Path.of("/sys/class/net", Kube.BRIDGE))).as("bridge left").isFalse();
    assertThat(ChildProcess.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(10)))
        .doesNotContain("master " + Kube.BRIDGE);
    assertThat(KubeProbe.iptablesRules()).as("iptables after close()").doesNotContain("KUBE-");
    assertThat(sysctls()).as(SYSCTLS + " after close()").isEqualTo(sysctlsBefore);
  }

  /**
   * Starts (or finds running) a pod serving {@link #WEB_PAGE} on 8080, a NodePort Service {@code
   * web} on port 80 and a headless Service {@code web-pods} for it, and a client pod; returns web's
   * ClusterIP.
   */
  private String startWebService() throws IOException {
    kube.importImage(KubeProbe.busyboxImage(dir));
    probe.apply(
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: web, labels: {app: web}}",
        "spec:",
        "  containers:",
        "  - name: web",
        "    image: " + IMAGE,
        "    imagePullPolicy: Never",
        "    command: [/bin/busybox, sh, -c, '/bin/busybox mkdir -p /www && echo \""
            + WEB_PAGE
            + "\" >/www/index.html && exec /bin/busybox httpd -f -p 8080 -h /www']",
        "    ports: [{name: http, containerPort: 8080, protocol: TCP}]",
        "    readinessProbe: {tcpSocket: {port: http}, periodSeconds: 1}",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: web}",
        "spec:",
        "  type: NodePort",
        "  selector: {app: web}",
        "  ports: [{name: http, port: 80, targetPort: http, protocol: TCP}]",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: web-pods}",
        "spec:",
        "  clusterIP: None",
        "  selector: {app: web}",
        "  ports: [{name: http, port: 8080, targetPort: http, protocol: TCP}]",
        "---",
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: client}",
        "spec:",
        "  containers:",
        "  - name: client",
        "    image: " + IMAGE,
        "    imagePullPolicy: Never",
        "    command: [/bin/busybox, sleep, '3600']");
    for (String pod : List.of("web", "client")) {
      probe.awaitKubectl(
          "pod " + pod + " Ready",
          s -> s.equals("True"),
          "get",
          "pod",
          pod,
          "-o",
          "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
    }
    return kube.kubectl("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").strip();
  }

  /** The IPv4 addresses {@code name} resolves to in the client pod, one per line. */
  private KubeProbe.Attempt resolve(String name) {
    return () ->
        kube.kubectl("exec", "client", "--", "/usr/bin/getent", "ahostsv4", name)
            .lines()
            .filter(line -> line.contains("STREAM"))
            .map(line -> line.split("\\s+")[0])
            .collect(Collectors.joining("\n"));
  }

  /**
   * busybox wget in {@code pod}, under a timeout, by address and with a port: static busybox
   * resolves neither host nor service names (and crashes on its own {@code -T}).
   */
  private KubeProbe.Attempt wget(String pod, String url) {
    return () ->
        kube.kubectl(
            "exec",
            pod,
            "--",
            "/bin/busybox",
            "timeout",
            "10",
            "/bin/busybox",
            "wget",
            "-q",
            "-O",
            "-",
            url);
  }

  private String get(String url) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(url + " answered " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    }
  }

  private static List<String> sysctls() throws IOException {
    List<String> values = new ArrayList<>();
    for (String key : SYSCTLS) {
      values.add(key + "=" + KubeProbe.sysctl(key));
    }
    return values;
  }
}
