package org.porthole.e2e.cluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.porthole.stack.host.Sleep;
import org.porthole.stack.kube.Kube;

/** The pods of the dev release as {@code kubectl} sees them, and waits on their states. */
final class ReleasePods {
  static final List<String> COMPONENTS = List.of("engine", "ws-proxy", "host-agent");
  private static final String INSTANCE = "-l=app.kubernetes.io/instance=" + DevRelease.RELEASE;

  /** One pod: its component, name, IP, whether Ready, and its containers' restarts. */
  record Pod(String component, String name, String ip, boolean ready, String restarts) {}

  private final Kube kube;

  ReleasePods(Kube kube) {
    this.kube = kube;
  }

  /** Every pod of the release now, terminating ones included. */
  List<Pod> list() throws IOException {
    String out =
        kube.kubectl(
            "-n",
            DevRelease.NAMESPACE,
            "get",
            "pods",
            INSTANCE,
            "-o",
            "jsonpath={range .items[*]}{.metadata.labels.app\\.kubernetes\\.io/component}"
                + " {.metadata.name} {.status.podIP}"
                + " {.status.conditions[?(@.type==\"Ready\")].status}"
                + " r{.status.containerStatuses[*].restartCount}{\"\\n\"}{end}");
    List<Pod> pods = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 5) {
        pods.add(new Pod(f[0], f[1], f[2], f[3].equals("True"), f[4]));
      } else if (!line.isBlank()) {
        pods.add(new Pod(f[0], f.length > 1 ? f[1] : "?", "", false, line));
      }
    }
    return pods;
  }

  /** The pods of one component. */
  List<Pod> of(String component) throws IOException {
    return list().stream().filter(p -> p.component().equals(component)).toList();
  }

  /**
   * Waits until each component has {@code counts.get(component)} pods (1 when not named), every one
   * Ready and no other pod of the release left; returns component → its pods.
   */
  Map<String, List<Pod>> awaitReady(Map<String, Integer> counts, Duration timeout)
      throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    List<Pod> last = List.of();
    while (Instant.now().isBefore(deadline)) {
      last = list();
      Map<String, List<Pod>> byComponent = new TreeMap<>();
      last.forEach(p -> byComponent.computeIfAbsent(p.component(), c -> new ArrayList<>()).add(p));
      boolean done =
          last.stream().allMatch(Pod::ready) && byComponent.keySet().equals(Set.copyOf(COMPONENTS));
      for (String component : COMPONENTS) {
        int want = counts.getOrDefault(component, 1);
        done &= byComponent.getOrDefault(component, List.of()).size() == want;
      }
      if (done) {
        return byComponent;
      }
      Sleep.millis(1000);
    }
    throw new AssertionError(
        "pods not as wanted " + counts + " after " + timeout + ":\n" + last + "\n" + diagnosis());
  }

  /** kubectl's description of the pods and their logs' tails, for a failure message. */
  String diagnosis() {
    StringBuilder out = new StringBuilder();
    for (List<String> args :
        List.of(
            List.of("-n", DevRelease.NAMESPACE, "describe", "pods"),
            List.of(
                "-n", DevRelease.NAMESPACE, "logs", INSTANCE, "--all-containers", "--tail=40"))) {
      try {
        out.append(kube.kubectl(args.toArray(String[]::new)));
      } catch (IOException e) {
        out.append(e.getMessage());
      }
    }
    return out.toString();
  }

  /** Waits until no object of the release is left; returns what is left at the deadline. */
  String awaitNothingLeft(Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    String left;
    do {
      left =
          kube.kubectl(
                  "-n",
                  DevRelease.NAMESPACE,
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
