package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.helm.Rendered.at;
import static org.porthole.helm.Rendered.containers;
import static org.porthole.helm.Rendered.find;
import static org.porthole.helm.Rendered.id;
import static org.porthole.helm.Rendered.list;
import static org.porthole.helm.Rendered.map;
import static org.porthole.helm.Rendered.podLabels;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Selectors that find their pods, and configuration that holds no secret. */
class SelectorsAndSecretsTest {

  /** Names of settings whose value would be a secret. */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|PRIVATE|_KEY)$");

  /** Values that look like key material or credentials, whatever their name. */
  private static final Pattern SECRET_VALUE =
      Pattern.compile("(?s).*(-----BEGIN|password=|://[^/@\\s]+:[^/@\\s]+@).*");

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void workloadSelectorsMatchTheirPodLabels(String valueSet) {
    for (Map<String, Object> workload : Chart.render(valueSet).workloads()) {
      Map<String, Object> selector = map(workload, "spec.selector.matchLabels");
      assertThat(podLabels(workload)).as(id(workload)).containsAllEntriesOf(selector);
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void servicesBudgetsPoliciesAndMonitorsSelectSomePod(String valueSet) {
    Rendered rendered = Chart.render(valueSet);
    List<Map<String, Object>> podLabels =
        rendered.workloads().stream().map(Rendered::podLabels).toList();
    List<Map<String, Object>> serviceLabels =
        rendered.ofKind("Service").stream().map(s -> map(s, "metadata.labels")).toList();
    for (Map<String, Object> object : rendered.objects()) {
      Map<String, Object> selector = selectorOf(object);
      if (selector == null) {
        continue;
      }
      boolean selectsServices = "ServiceMonitor".equals(object.get("kind"));
      assertThat(selector).as("%s selects nothing", id(object)).isNotEmpty();
      assertThat(selectsServices ? serviceLabels : podLabels)
          .as("%s selector %s matches a pod template or service", id(object), selector)
          .anySatisfy(labels -> assertThat(labels).containsAllEntriesOf(selector));
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void configMapsHoldNoSecret(String valueSet) {
    for (Map<String, Object> configMap : Chart.render(valueSet).ofKind("ConfigMap")) {
      Map<String, Object> data = map(configMap, "data");
      data.forEach(
          (key, value) -> {
            String text = String.valueOf(value);
            if (SECRET_NAME.matcher(key).matches()) {
              assertThat(text)
                  .as("%s %s: only a mounted file's path", id(configMap), key)
                  .matches("/etc/porthole/[a-z]+/[a-z.]+");
            }
            assertThat(text).as("%s %s", id(configMap), key).doesNotMatch(SECRET_VALUE);
          });
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void secretSettingsReachPodsOnlyFromSecrets(String valueSet) {
    for (Map<String, Object> workload : Chart.render(valueSet).workloads()) {
      for (Map<String, Object> container : containers(workload)) {
        for (Map<String, Object> env : list(container, "env")) {
          String name = (String) env.get("name");
          if (SECRET_NAME.matcher(name).matches()) {
            assertThat(env).as("%s %s", id(workload), name).doesNotContainKey("value");
            assertThat(find(env, "valueFrom.secretKeyRef.name")).as(name).isPresent();
          }
          find(env, "value")
              .ifPresent(v -> assertThat(v.toString()).as(name).doesNotMatch(SECRET_VALUE));
        }
      }
    }
  }

  @Test
  void aConfigChangeRollsThePodsAndASecretNameAloneDoesNot() {
    Rendered before = Chart.render("default-values.yaml");
    Rendered changed =
        Rendered.parse(
            Chart.template(
                "default-values.yaml", Map.of("engine.config.porthole\\.ticket\\.seconds", "60")));
    Rendered otherCert =
        Rendered.parse(
            Chart.template("default-values.yaml", Map.of("tls.wsProxySecret", "renewed-tls")));
    String key = "spec.template.metadata.annotations.checksum/config";
    Map<String, Object> engine = before.named("Deployment", "demo-porthole-engine");
    assertThat(checksum(engine)).hasSize(64);
    assertThat(checksum(changed.named("Deployment", "demo-porthole-engine")))
        .isNotEqualTo(checksum(engine));
    assertThat(checksum(changed.named("Deployment", "demo-porthole-ws-proxy")))
        .isEqualTo(checksum(before.named("Deployment", "demo-porthole-ws-proxy")));
    assertThat(checksum(otherCert.named("Deployment", "demo-porthole-ws-proxy")))
        .as("certificates are not hashed: %s", key)
        .isEqualTo(checksum(before.named("Deployment", "demo-porthole-ws-proxy")));
  }

  private static String checksum(Map<String, Object> workload) {
    return String.valueOf(
        map(workload, "spec.template.metadata.annotations").get("checksum/config"));
  }

  /** The label selector of objects that select pods, or null for other kinds. */
  private static Map<String, Object> selectorOf(Map<String, Object> object) {
    switch (String.valueOf(object.get("kind"))) {
      case "Service":
        return at(object, "spec.selector");
      case "PodDisruptionBudget":
      case "ServiceMonitor":
        return at(object, "spec.selector.matchLabels");
      case "NetworkPolicy":
        return at(object, "spec.podSelector.matchLabels");
      default:
        return null;
    }
  }
}
