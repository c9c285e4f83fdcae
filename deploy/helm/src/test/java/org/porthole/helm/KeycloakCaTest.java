package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.helm.Rendered.containers;
import static org.porthole.helm.Rendered.list;
import static org.porthole.helm.Rendered.map;
import static org.porthole.helm.Rendered.podSpec;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the engine trusts for Keycloak: the JVM's default authorities, or only the CA certificates
 * of the ConfigMap {@code keycloak.caConfigMap} names, mounted read-only with nothing else of it.
 */
class KeycloakCaTest {

  private static final String ENGINE = "demo-porthole-engine";
  private static final String CA_FILE = "/etc/porthole/keycloak-ca/ca.crt";

  @Test
  void byDefaultTheEngineTrustsTheJvmsAuthorities() {
    Rendered rendered = Chart.render("default-values.yaml");
    assertThat(map(rendered.named("ConfigMap", ENGINE), "data"))
        .doesNotContainKey("PORTHOLE_OIDC_CA_FILE");
    Map<String, Object> engine = rendered.named("Deployment", ENGINE);
    assertThat(list(podSpec(engine), "volumes"))
        .noneMatch(v -> "keycloak-ca".equals(v.get("name")));
  }

  @Test
  void aCaConfigMapIsMountedAndIsTheOnlyTrustForKeycloak() {
    Rendered rendered =
        Rendered.parse(
            Chart.template("default-values.yaml", Map.of("keycloak.caConfigMap", "keycloak-ca")));
    assertThat(map(rendered.named("ConfigMap", ENGINE), "data"))
        .containsEntry("PORTHOLE_OIDC_CA_FILE", CA_FILE);
    Map<String, Object> engine = rendered.named("Deployment", ENGINE);
    Map<String, Object> volume =
        list(podSpec(engine), "volumes").stream()
            .filter(v -> "keycloak-ca".equals(v.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no keycloak-ca volume"));
    assertThat(map(volume, "configMap")).containsEntry("name", "keycloak-ca");
    assertThat(list(map(volume, "configMap"), "items"))
        .containsExactly(Map.of("key", "ca.crt", "path", "ca.crt"));
    Map<String, Object> mount =
        list(containers(engine).get(0), "volumeMounts").stream()
            .filter(m -> "keycloak-ca".equals(m.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("keycloak-ca not mounted"));
    assertThat(mount)
        .containsEntry("mountPath", "/etc/porthole/keycloak-ca")
        .containsEntry("readOnly", true);
    assertThat(rendered.named("ConfigMap", "demo-porthole-ws-proxy").toString())
        .doesNotContain("keycloak-ca");
  }
}
