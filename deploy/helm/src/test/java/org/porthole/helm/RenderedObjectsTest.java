package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.helm.Rendered.at;
import static org.porthole.helm.Rendered.containers;
import static org.porthole.helm.Rendered.id;
import static org.porthole.helm.Rendered.list;
import static org.porthole.helm.Rendered.map;
import static org.porthole.helm.Rendered.podSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every rendering must hold, for every value set under ci/ (Helm 3 through helm-java). */
class RenderedObjectsTest {

  /** Admin (health) port of each container, by container name: plan §2. */
  private static final Map<String, String> ADMIN_PORTS =
      Map.of("engine", "admin", "ws-proxy", "admin", "host-agent", "admin");

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void rendersEngineProxyAndAgentsOfTheValueSet(String valueSet) {
    Rendered rendered = Chart.render(valueSet);
    Map<String, Object> values = Chart.parse(Chart.valueSet(valueSet));
    assertThat(rendered.ofKind("Deployment"))
        .extracting(Rendered::name)
        .containsExactlyInAnyOrder("demo-porthole-engine", "demo-porthole-ws-proxy");
    int nodes = Rendered.<List<?>>find(values, "hostAgent.nodes").map(List::size).orElse(0);
    assertThat(rendered.ofKind("DaemonSet")).hasSize(nodes);
    assertThat(rendered.ofKind("PodDisruptionBudget")).hasSize(2);
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void probesAskTheAdminPortForLivenessAndReadiness(String valueSet) {
    for (Map<String, Object> workload : Chart.render(valueSet).workloads()) {
      for (Map<String, Object> container : containers(workload)) {
        String admin = ADMIN_PORTS.get((String) container.get("name"));
        assertThat(admin).as("known container in %s", id(workload)).isNotNull();
        assertThat(portNames(container)).as(id(workload)).contains(admin);
        assertThat(at(container, "livenessProbe.httpGet.path").toString())
            .isEqualTo("/q/health/live");
        assertThat(at(container, "readinessProbe.httpGet.path").toString())
            .isEqualTo("/q/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          assertThat(at(container, probe + ".httpGet.port").toString())
              .as("%s %s port", id(workload), probe)
              .isEqualTo(admin);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void podsRunWithLeastPrivilege(String valueSet) {
    for (Map<String, Object> workload : Chart.render(valueSet).workloads()) {
      Map<String, Object> pod = map(podSpec(workload), "securityContext");
      // The host agent runs as uid 0 with no capability at all (see hostAgentUid...).
      boolean agent = "DaemonSet".equals(workload.get("kind"));
      assertThat(pod).as(id(workload)).containsEntry("runAsNonRoot", !agent);
      assertThat(pod).as(id(workload)).containsEntry("runAsUser", agent ? 0 : 10001);
      assertThat(at(pod, "seccompProfile.type").toString()).isEqualTo("RuntimeDefault");
      assertThat(podSpec(workload)).containsEntry("automountServiceAccountToken", false);
      for (Map<String, Object> container : containers(workload)) {
        Map<String, Object> security = map(container, "securityContext");
        assertThat(security)
            .as(id(workload))
            .containsEntry("allowPrivilegeEscalation", false)
            .containsEntry("readOnlyRootFilesystem", true)
            .containsEntry("privileged", false);
        assertThat(Rendered.<List<String>>at(security, "capabilities.drop")).containsExactly("ALL");
        assertThat(map(security, "capabilities")).containsOnlyKeys("drop");
      }
    }
  }

  @Test
  void hostAgentUidIsRootWithoutCapabilitiesUnlessANodeUserIsNamed() {
    Map<String, Object> asUser =
        Rendered.parse(
                Chart.template("certmanager-values.yaml", Map.of("hostAgent.runAsUser", 10001)))
            .ofKind("DaemonSet")
            .get(0);
    Map<String, Object> pod = map(podSpec(asUser), "securityContext");
    assertThat(pod)
        .containsEntry("runAsUser", 10001)
        .containsEntry("runAsGroup", 10001)
        .containsEntry("fsGroup", 10001)
        .containsEntry("runAsNonRoot", true);
    assertThat(map(containers(asUser).get(0), "securityContext"))
        .containsEntry("runAsNonRoot", true);
    Map<String, Object> root = Chart.render("certmanager-values.yaml").ofKind("DaemonSet").get(0);
    assertThat(map(containers(root).get(0), "securityContext"))
        .containsEntry("runAsNonRoot", false)
        .containsEntry("privileged", false)
        .containsEntry("allowPrivilegeEscalation", false);
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void hostAgentsGetTheLibvirtGroupAndReadOnlySocketDirectoriesOnly(String valueSet) {
    Map<String, Object> values = Chart.parse(Chart.valueSet(valueSet));
    for (Map<String, Object> agent : Chart.render(valueSet).ofKind("DaemonSet")) {
      Map<String, Object> pod = podSpec(agent);
      assertThat(pod).containsEntry("hostNetwork", true);
      assertThat(Rendered.<List<Object>>at(pod, "securityContext.supplementalGroups"))
          .first()
          .isEqualTo(at(values, "hostAgent.libvirtGroupId"));
      assertThat(Rendered.<Map<String, Object>>at(pod, "nodeSelector"))
          .containsKey("kubernetes.io/hostname")
          .containsEntry("porthole.io/kvm-host", "true");
      List<Map<String, Object>> hostPaths =
          list(pod, "volumes").stream().filter(v -> v.containsKey("hostPath")).toList();
      assertThat(hostPaths)
          .extracting(v -> at(v, "hostPath.path").toString())
          .containsExactlyInAnyOrder("/var/run/libvirt", "/var/lib/libvirt/qemu/channel/target");
      Set<String> hostPathNames =
          Set.copyOf(hostPaths.stream().map(v -> (String) v.get("name")).toList());
      for (Map<String, Object> mount : list(containers(agent).get(0), "volumeMounts")) {
        if (hostPathNames.contains(mount.get("name"))) {
          assertThat(mount).as("mount %s", mount.get("name")).containsEntry("readOnly", true);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everyPortIsNamedAndSaysItsProtocol(String valueSet) {
    Rendered rendered = Chart.render(valueSet);
    for (Map<String, Object> workload : rendered.workloads()) {
      for (Map<String, Object> container : containers(workload)) {
        for (Map<String, Object> port : list(container, "ports")) {
          assertThat(port)
              .as("%s port %s", id(workload), port)
              .containsKey("name")
              .containsEntry("protocol", "TCP");
        }
      }
    }
    for (Map<String, Object> service : rendered.ofKind("Service")) {
      for (Map<String, Object> port : list(service, "spec.ports")) {
        assertThat(port)
            .as("%s port %s", id(service), port)
            .containsKey("name")
            .containsEntry("protocol", "TCP");
      }
    }
    for (Map<String, Object> policy : rendered.ofKind("NetworkPolicy")) {
      for (Map<String, Object> rule : list(policy, "spec.ingress")) {
        for (Map<String, Object> port : list(rule, "ports")) {
          assertThat(port).as("%s %s", id(policy), port).containsEntry("protocol", "TCP");
          assertThat(port.get("port")).as("named port").isInstanceOf(String.class);
        }
      }
    }
  }

  private static List<String> portNames(Map<String, Object> container) {
    return list(container, "ports").stream().map(p -> (String) p.get("name")).toList();
  }
}
