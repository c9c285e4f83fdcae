package org.porthole.stack.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.porthole.stack.host.ChildProcess;

/**
 * A real one-node Kubernetes (1.20, built from Debian's source package) started by {@code
 * deploy/local/k8s/kube.sh up} under a state directory, with kube-proxy (iptables) and a cluster
 * DNS, so pods reach Services by name, ClusterIP and NodePort as on any cluster; {@link #close()}
 * runs {@code kube.sh down}, which leaves no process, mount, network interface or iptables chain
 * behind. Needs root and a prior {@code kube.sh build} (cached outside the clone); starting fails
 * saying so otherwise.
 */
public final class Kube implements AutoCloseable {
  /** The node's name, as pods and {@code kubectl get nodes} see it. */
  public static final String NODE = "porthole";

  /** The node's address: where the kubelet listens and what hostNetwork pods get as their IP. */
  public static final String NODE_IP = "10.213.0.1";

  /** The bridge the pods' interfaces hang on; gone after {@link #close()}. */
  public static final String BRIDGE = "porthole-k8s";

  /** Where Services' ClusterIPs come from; the host reaches them too. */
  public static final String SERVICE_CIDR = "10.213.1.0/24";

  /**
   * The cluster DNS: it answers on the node address, port 53, for {@code
   * <service>.<namespace>.svc.cluster.local} (and the short forms through the pods' search path).
   */
  public static final String DNS_IP = NODE_IP;

  /** The cluster's DNS domain. */
  public static final String CLUSTER_DOMAIN = "cluster.local";

  /** The script's own deadline for a Ready node is 120 s; this adds the control plane's start. */
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(4);

  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration KUBECTL_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(2);

  private final Path script;
  private final Path state;
  private boolean closed;

  private Kube(Path script, Path state) {
    this.script = script;
    this.state = state;
  }

  /**
   * Starts the cluster with its state under {@code state/k8s} and returns once the node is Ready
   * and pods can be created. When it fails, what it started is stopped again. The script is found
   * from the {@code porthole.repo} system property, or else in the working directory or one of its
   * parents.
   */
  public static Kube start(Path state) throws IOException {
    return start(findScript(), state);
  }

  /** Starts the cluster with {@code script} ({@code deploy/local/k8s/kube.sh}). */
  public static Kube start(Path script, Path state) throws IOException {
    Kube kube = new Kube(script, state.toAbsolutePath().normalize());
    try {
      kube.script("up", UP_TIMEOUT);
    } catch (IOException e) {
      try {
        kube.close();
      } catch (IOException down) {
        e.addSuppressed(down);
      }
      throw e;
    }
    return kube;
  }

  /** The admin kubeconfig (token auth, readable by root only). */
  public Path kubeconfig() {
    return state.resolve("k8s/kubeconfig");
  }

  /** The state directory the cluster keeps its data, logs and PKI under ({@code <state>/k8s}). */
  public Path stateDir() {
    return state.resolve("k8s");
  }

  /**
   * Imports a {@code docker save} tarball into the node's containerd, for pods that say {@code
   * imagePullPolicy: Never}: no registry is involved.
   */
  public void importImage(Path tar) throws IOException {
    if (!Files.isRegularFile(tar)) {
      throw new IOException("no image tarball at " + tar);
    }
    script(List.of("import", tar.toAbsolutePath().toString()), "", IMPORT_TIMEOUT);
  }

  /** Runs kubectl (the one built with the cluster) against it; fails with its output. */
  public String kubectl(String... args) throws IOException {
    return kubectlWithInput("", args);
  }

  /** Runs kubectl with {@code input} on its stdin, e.g. {@code apply -f -} and a manifest. */
  public String kubectlWithInput(String input, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    return script(command, input, KUBECTL_TIMEOUT);
  }

  /** Stops the cluster; a second call does nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    script("down", DOWN_TIMEOUT);
  }

  private String script(String command, Duration timeout) throws IOException {
    return script(List.of(command), "", timeout);
  }

  private String script(List<String> args, String input, Duration timeout) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    return ChildProcess.run(command, Map.of("PORTHOLE_STATE", state.toString()), input, timeout);
  }

  private static Path findScript() throws IOException {
    Path relative = Path.of("deploy/local/k8s/kube.sh");
    String repo = System.getProperty("porthole.repo");
    if (repo != null) {
      return Path.of(repo).resolve(relative).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IOException(
        relative + " not found above " + Path.of("").toAbsolutePath() + " (set porthole.repo)");
  }
}
