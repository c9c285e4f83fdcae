package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.helm.Rendered.at;
import static org.porthole.helm.Rendered.list;
import static org.porthole.helm.Rendered.map;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may reach what: Ingresses, the autoscaler and the NetworkPolicies. */
class TrafficTest {

  @Test
  void wsProxyIngressKeepsConsolesOpenAndRoutesOnlyTheConsolePaths() {
    Rendered rendered = Chart.render("ingress-hpa-values.yaml");
    Map<String, Object> ingress = rendered.named("Ingress", "demo-porthole-ws-proxy");
    Map<String, Object> annotations = map(ingress, "metadata.annotations");
    assertThat(annotations)
        .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "7200")
        .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "7200")
        .containsEntry("haproxy.org/timeout-tunnel", "7200s");
    Map<String, Object> rule = list(ingress, "spec.rules").get(0);
    assertThat(rule).containsEntry("host", "console.porthole.example.com");
    Map<String, Object> path = list(rule, "http.paths").get(0);
    assertThat(path).containsEntry("path", "/v1/");
    assertThat(at(path, "backend.service.port.name").toString()).isEqualTo("ws");
    assertThat(at(path, "backend.service.name").toString()).isEqualTo("demo-porthole-ws-proxy");
  }

  @Test
  void behindAnIngressTheProxysPerAddressCapIsItsTotalUnlessSet() {
    String key = "PORTHOLE_PROXY_UNAUTHENTICATED_PER_ADDRESS";
    assertThat(proxyConfig(Chart.render("default-values.yaml"))).doesNotContainKey(key);
    assertThat(proxyConfig(Chart.render("ingress-hpa-values.yaml"))).containsEntry(key, "1024");
    String total = "wsProxy.config.porthole\\.proxy\\.unauthenticated-total";
    assertThat(
            proxyConfig(
                Rendered.parse(Chart.template("ingress-hpa-values.yaml", Map.of(total, 4000)))))
        .containsEntry(key, "4000");
    String perAddress = "wsProxy.config.porthole\\.proxy\\.unauthenticated-per-address";
    assertThat(
            proxyConfig(
                Rendered.parse(Chart.template("ingress-hpa-values.yaml", Map.of(perAddress, 64)))))
        .containsEntry(key, "64");
  }

  private static Map<String, Object> proxyConfig(Rendered rendered) {
    return map(rendered.named("ConfigMap", "demo-porthole-ws-proxy"), "data");
  }

  @Test
  void autoscalerScalesTheProxyOnOpenConsolesAndOwnsItsReplicaCount() {
    Rendered rendered = Chart.render("ingress-hpa-values.yaml");
    Map<String, Object> hpa = rendered.named("HorizontalPodAutoscaler", "demo-porthole-ws-proxy");
    assertThat(at(hpa, "spec.scaleTargetRef.name").toString()).isEqualTo("demo-porthole-ws-proxy");
    Map<String, Object> metric = list(hpa, "spec.metrics").get(0);
    assertThat(at(metric, "pods.metric.name").toString()).isEqualTo("porthole_consoles_open");
    assertThat(at(metric, "pods.target.averageValue").toString()).isEqualTo("400");
    assertThat(map(rendered.named("Deployment", "demo-porthole-ws-proxy"), "spec"))
        .doesNotContainKey("replicas");
  }

  @Test
  void hostAgentsAcceptGrpcOnlyFromEngineAndProxyAndAdminOnlyFromMonitoring() {
    Rendered rendered = Chart.render("certmanager-values.yaml");
    List<Map<String, Object>> rules =
        list(rendered.named("NetworkPolicy", "demo-porthole-host-agent"), "spec.ingress");
    assertThat(rules).hasSize(2);
    assertThat(ports(rules.get(0))).containsExactly("grpc");
    assertThat(list(rules.get(0), "from"))
        .extracting(peer -> map(peer, "podSelector.matchLabels").get("app.kubernetes.io/component"))
        .containsExactlyInAnyOrder("engine", "ws-proxy");
    assertThat(ports(rules.get(1))).containsExactly("admin");
    assertThat(list(rules.get(1), "from"))
        .singleElement()
        .satisfies(peer -> assertThat(peer).containsOnlyKeys("namespaceSelector"));
  }

  @Test
  void adminPortsOfEveryComponentAreOpenToMonitoringOnly() {
    Rendered rendered = Chart.render("certmanager-values.yaml");
    for (Map<String, Object> policy : rendered.ofKind("NetworkPolicy")) {
      for (Map<String, Object> rule : list(policy, "spec.ingress")) {
        if (ports(rule).contains("admin")) {
          assertThat(ports(rule)).containsExactly("admin");
          assertThat(list(rule, "from"))
              .singleElement()
              .satisfies(
                  peer ->
                      assertThat(at(peer, "namespaceSelector.matchLabels").toString())
                          .contains("monitoring"));
        }
      }
    }
  }

  @Test
  void nodePortServicesTakeTheNodePortsNamedAndKubernetesPicksTheRest() {
    Rendered rendered = Chart.render("dev-values.yaml");
    Map<String, Object> engine = rendered.named("Service", "demo-porthole-engine");
    assertThat(at(engine, "spec.type").toString()).isEqualTo("NodePort");
    assertThat(nodePorts(engine)).containsExactly("http=30080", "https=-");
    Map<String, Object> proxy = rendered.named("Service", "demo-porthole-ws-proxy");
    assertThat(at(proxy, "spec.type").toString()).isEqualTo("NodePort");
    assertThat(nodePorts(proxy)).containsExactly("ws=30081");
  }

  /** Health and metrics never get a node port: beside a NodePort Service, a ClusterIP one. */
  @Test
  void theAdminPortsStayInsideTheClusterBesideNodePortServices() {
    Rendered rendered = Chart.render("dev-values.yaml");
    for (String service : List.of("demo-porthole-engine", "demo-porthole-ws-proxy")) {
      Map<String, Object> admin = rendered.named("Service", service + "-admin");
      assertThat(at(admin, "spec.type").toString()).isEqualTo("ClusterIP");
      assertThat(nodePorts(admin)).containsExactly("admin=-");
      assertThat(map(admin, "spec.selector"))
          .isEqualTo(map(rendered.named("Service", service), "spec.selector"));
    }
    assertThatThrownBy(
            () ->
                Chart.template("dev-values.yaml", Map.of("engine.service.nodePorts.admin", 30180)))
        .hasMessageContaining("nodePorts");
  }

  @Test
  void aClusterIpServiceIgnoresNodePorts() {
    Rendered rendered =
        Rendered.parse(
            Chart.template(
                "dev-values.yaml",
                Map.of("engine.service.type", "ClusterIP", "wsProxy.service.type", "ClusterIP")));
    assertThat(nodePorts(rendered.named("Service", "demo-porthole-engine")))
        .containsExactly("http=-", "https=-", "admin=-");
    assertThat(nodePorts(rendered.named("Service", "demo-porthole-ws-proxy")))
        .containsExactly("ws=-", "admin=-");
  }

  @Test
  void theSchemaRefusesANodePortForAPortTheServiceDoesNotHave() {
    assertThatThrownBy(
            () ->
                Chart.template("dev-values.yaml", Map.of("wsProxy.service.nodePorts.http", 30082)))
        .hasMessageContaining("nodePorts");
  }

  /** Each port of a Service as {@code name=nodePort}, {@code -} where none is set. */
  private static List<String> nodePorts(Map<String, Object> service) {
    return list(service, "spec.ports").stream()
        .map(p -> p.get("name") + "=" + (p.containsKey("nodePort") ? p.get("nodePort") : "-"))
        .toList();
  }

  private static List<String> ports(Map<String, Object> rule) {
    return list(rule, "ports").stream().map(p -> String.valueOf(p.get("port"))).toList();
  }
}
