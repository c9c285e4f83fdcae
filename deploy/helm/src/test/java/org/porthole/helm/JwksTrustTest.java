package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.helm.Rendered.at;
import static org.porthole.helm.Rendered.containers;
import static org.porthole.helm.Rendered.list;
import static org.porthole.helm.Rendered.map;
import static org.porthole.helm.Rendered.podSpec;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the ws-proxy and host agents read the engine's token keys, and what they trust: the engine
 * Service over https by default, trusting only the {@code ca.crt} of their own identity Secret (the
 * CA that issued the engine's certificate, whose SANs hold the name they dial); any other address
 * through the JVM's trust store, with no CA file.
 */
class JwksTrustTest {

  private static final String CA_FILE = "/etc/porthole/tls/ca.crt";
  private static final String ENGINE_SERVICE = "demo-porthole-engine";
  private static final String IN_CLUSTER =
      "https://demo-porthole-engine.porthole.svc:8443/api/v1/jwks";
  private static final List<String> JWKS_READERS =
      List.of("demo-porthole-ws-proxy", "demo-porthole-host-agent");

  @Test
  void byDefaultReadsTheEngineServiceTrustingOnlyTheChartsCa() {
    for (String valueSet :
        List.of("default-values.yaml", "certmanager-values.yaml", "dev-values.yaml")) {
      Rendered rendered = Chart.render(valueSet);
      for (String reader : JWKS_READERS) {
        Map<String, Object> data = map(rendered.named("ConfigMap", reader), "data");
        assertThat(data)
            .as("%s in %s", reader, valueSet)
            .containsEntry("PORTHOLE_JWKS_URL", IN_CLUSTER)
            .containsEntry("PORTHOLE_JWKS_CA_FILE", CA_FILE);
      }
    }
  }

  @Test
  void theCaFileIsTheCaOfEachReadersOwnIdentitySecret() {
    Rendered rendered = Chart.render("certmanager-values.yaml");
    List<Map<String, Object>> readers =
        rendered.workloads().stream()
            .filter(w -> Rendered.name(w).matches("demo-porthole-(ws-proxy|host-agent-.+)"))
            .toList();
    assertThat(readers).hasSize(3);
    for (Map<String, Object> workload : readers) {
      Map<String, Object> container = containers(workload).get(0);
      Map<String, Object> mount =
          list(container, "volumeMounts").stream()
              .filter(m -> "/etc/porthole/tls".equals(m.get("mountPath")))
              .findFirst()
              .orElseThrow(() -> new AssertionError(Rendered.id(workload) + ": no TLS mount"));
      Map<String, Object> volume =
          list(podSpec(workload), "volumes").stream()
              .filter(v -> mount.get("name").equals(v.get("name")))
              .findFirst()
              .orElseThrow();
      String secret = at(volume, "secret.secretName").toString();
      assertThat(secret).as(Rendered.id(workload)).endsWith("-tls");
      assertThat(map(volume, "secret"))
          .as("the whole Secret, ca.crt included, is mounted")
          .doesNotContainKey("items");
      Map<String, Object> certificate = rendered.named("Certificate", secret);
      assertThat(at(certificate, "spec.issuerRef.name").toString())
          .isEqualTo(
              at(rendered.named("Certificate", "demo-porthole-engine-tls"), "spec.issuerRef.name")
                  .toString());
    }
  }

  @Test
  void theEngineServesTheJwksUrlWithACertificateNamingItsHost() {
    Rendered rendered = Chart.render("certmanager-values.yaml");
    URI jwks = URI.create(IN_CLUSTER);
    Map<String, Object> certificate = rendered.named("Certificate", "demo-porthole-engine-tls");
    assertThat(Rendered.<List<String>>at(certificate, "spec.dnsNames"))
        .containsExactly(
            ENGINE_SERVICE,
            ENGINE_SERVICE + ".porthole",
            ENGINE_SERVICE + ".porthole.svc",
            ENGINE_SERVICE + ".porthole.svc.cluster.local")
        .contains(jwks.getHost());
    assertThat(Rendered.<List<String>>at(certificate, "spec.usages")).contains("server auth");
    Map<String, Object> https =
        list(rendered.named("Service", ENGINE_SERVICE), "spec.ports").stream()
            .filter(p -> "https".equals(p.get("name")))
            .findFirst()
            .orElseThrow();
    assertThat(https).containsEntry("port", jwks.getPort()).containsEntry("targetPort", "https");
    Map<String, Object> engine = rendered.named("Deployment", "demo-porthole-engine");
    assertThat(list(containers(engine).get(0), "ports"))
        .contains(Map.of("name", "https", "containerPort", 8443, "protocol", "TCP"));
    assertThat(map(rendered.named("ConfigMap", "demo-porthole-engine"), "data"))
        .containsEntry("QUARKUS_HTTP_SSL_PORT", "8443")
        .containsEntry("QUARKUS_HTTP_SSL_CERTIFICATE_FILES", "/etc/porthole/tls/tls.crt");
    Map<String, Object> tls =
        list(podSpec(engine), "volumes").stream()
            .filter(v -> "tls".equals(v.get("name")))
            .findFirst()
            .orElseThrow();
    assertThat(at(tls, "secret.secretName").toString()).isEqualTo("demo-porthole-engine-tls");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://demo-porthole-engine:8443/api/v1/jwks",
        "https://demo-porthole-engine.porthole:8443/api/v1/jwks",
        "https://demo-porthole-engine.porthole.svc.cluster.local:8443/api/v1/jwks"
      })
  void anyNameOfTheEngineServiceKeepsTheCaFile(String url) {
    Rendered rendered = render("certmanager-values.yaml", Map.of("jwksUrl", url));
    for (String reader : JWKS_READERS) {
      assertThat(map(rendered.named("ConfigMap", reader), "data"))
          .containsEntry("PORTHOLE_JWKS_URL", url)
          .containsEntry("PORTHOLE_JWKS_CA_FILE", CA_FILE);
    }
    assertThat(
            Rendered.<List<String>>at(
                rendered.named("Certificate", "demo-porthole-engine-tls"), "spec.dnsNames"))
        .contains(URI.create(url).getHost());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://porthole.example.com/api/v1/jwks",
        "https://demo-porthole-engine.other.svc:8443/api/v1/jwks",
        "http://127.0.0.1:18080/api/v1/jwks"
      })
  void anyOtherAddressUsesTheJvmTrustStoreWithoutCaFile(String url) {
    Rendered rendered = render("default-values.yaml", Map.of("jwksUrl", url));
    for (String reader : JWKS_READERS) {
      assertThat(map(rendered.named("ConfigMap", reader), "data"))
          .containsEntry("PORTHOLE_JWKS_URL", url)
          .doesNotContainKey("PORTHOLE_JWKS_CA_FILE");
    }
  }

  @Test
  void theClusterDomainNamesTheEngineCertificatesLongestName() {
    Rendered rendered =
        render(
            "certmanager-values.yaml",
            Map.of(
                "clusterDomain",
                "k8s.example.org",
                "jwksUrl",
                "https://demo-porthole-engine.porthole.svc.k8s.example.org:8443/api/v1/jwks"));
    assertThat(
            Rendered.<List<String>>at(
                rendered.named("Certificate", "demo-porthole-engine-tls"), "spec.dnsNames"))
        .contains("demo-porthole-engine.porthole.svc.k8s.example.org")
        .doesNotContain("demo-porthole-engine.porthole.svc.cluster.local");
    assertThat(map(rendered.named("ConfigMap", "demo-porthole-ws-proxy"), "data"))
        .containsEntry("PORTHOLE_JWKS_CA_FILE", CA_FILE);
  }

  private static Rendered render(String valueSet, Map<String, Object> sets) {
    return Rendered.parse(Chart.template(valueSet, sets));
  }
}
