package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * APIs chosen by what the cluster serves, rendered by Helm 4 with the cluster's version and API
 * list given on the command line (helm-java's template cannot set them): Kubernetes 1.20 (the
 * one-node cluster built here) has no policy/v1 PodDisruptionBudget nor autoscaling/v2.
 */
class CapabilitiesTest {

  @Test
  void budgetsUsePolicyV1beta1OnKubernetes120AndPolicyV1On130() {
    assertThat(apiVersions(render("1.20.2", "default-values.yaml"), "PodDisruptionBudget"))
        .containsExactly("policy/v1beta1", "policy/v1beta1");
    assertThat(apiVersions(render("1.30.0", "default-values.yaml"), "PodDisruptionBudget"))
        .containsExactly("policy/v1", "policy/v1");
  }

  @Test
  void autoscalerUsesAutoscalingV2WhereServed() {
    assertThat(apiVersions(render("1.20.2", "ingress-hpa-values.yaml"), "HorizontalPodAutoscaler"))
        .containsExactly("autoscaling/v2beta2");
    assertThat(apiVersions(render("1.30.0", "ingress-hpa-values.yaml"), "HorizontalPodAutoscaler"))
        .containsExactly("autoscaling/v2");
  }

  @Test
  void serviceMonitorsOnlyWhereThePrometheusOperatorIsInstalled() {
    assertThat(render("1.30.0", "certmanager-values.yaml").ofKind("ServiceMonitor")).isEmpty();
    Rendered withOperator =
        render("1.30.0", "certmanager-values.yaml", "monitoring.coreos.com/v1/ServiceMonitor");
    assertThat(withOperator.ofKind("ServiceMonitor"))
        .extracting(Rendered::name)
        .containsExactlyInAnyOrder(
            "demo-porthole-engine", "demo-porthole-ws-proxy", "demo-porthole-host-agent");
    for (Map<String, Object> monitor : withOperator.ofKind("ServiceMonitor")) {
      assertThat(Rendered.list(monitor, "spec.endpoints"))
          .singleElement()
          .satisfies(
              e -> assertThat(e).containsEntry("port", "admin").containsEntry("path", "/metrics"));
    }
  }

  /** Helm 4's {@code template} with a Kubernetes version and extra API versions. */
  static Rendered render(String kubeVersion, String valueSet, String... apiVersions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                Chart.RELEASE,
                Chart.dir().toString(),
                "--namespace",
                Chart.NAMESPACE,
                "--kube-version",
                kubeVersion,
                "-f",
                Chart.valueSet(valueSet).toString()));
    for (String api : apiVersions) {
      args.add("--api-versions");
      args.add(api);
    }
    Tools.Run run = Tools.helm4(args.toArray(String[]::new)).requireSuccess(args);
    return Rendered.parse(run.out());
  }

  private static List<String> apiVersions(Rendered rendered, String kind) {
    return rendered.ofKind(kind).stream().map(o -> (String) o.get("apiVersion")).toList();
  }
}
