package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * files/bootstrap-identities.sh (identities without cert-manager): one certificate per role, each
 * agent's naming its own host, keys the services can read, Secrets named as the chart mounts.
 */
class BootstrapIdentitiesTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @Test
  void issuesOneIdentityPerRoleAndPerNodeUnderTheChartsSecretNames() throws Exception {
    Path out = Chart.workDir("bootstrap-" + System.nanoTime());
    List<String> command =
        List.of(
            Chart.dir().resolve("files/bootstrap-identities.sh").toString(),
            "--release",
            Chart.RELEASE,
            "--namespace",
            Chart.NAMESPACE,
            "--node",
            "kvm-01",
            "--node",
            "kvm-02=kvm-02.hosts.example.com:9443",
            "--node",
            "kvm-03=10.20.0.13:9443",
            "--out",
            out.toString(),
            "--print");
    Tools.Run run = Tools.run(command, out).requireSuccess(command);

    Map<String, Map<String, Object>> secrets = secretsByName(run.out());
    Rendered rendered = Chart.render("certmanager-values.yaml");
    for (Map<String, Object> workload : rendered.workloads()) {
      for (Map<String, Object> volume : Rendered.list(Rendered.podSpec(workload), "volumes")) {
        if ("tls".equals(volume.get("name"))) {
          assertThat(secrets).containsKey(Rendered.at(volume, "secret.secretName").toString());
        }
      }
    }
    X509Certificate ca = certificate(out.resolve("ca.crt"));
    X509Certificate engine =
        assertIdentity(
            secrets.get("demo-porthole-engine-tls"), ca, "urn:porthole:engine", CLIENT_AUTH);
    assertNamesEveryEngineServiceName(engine, rendered);
    assertIdentity(
        secrets.get("demo-porthole-ws-proxy-tls"), ca, "urn:porthole:ws-proxy", CLIENT_AUTH);
    X509Certificate agent =
        assertIdentity(
            secrets.get("demo-porthole-host-agent-kvm-02-tls"),
            ca,
            "urn:porthole:host-agent:kvm-02.hosts.example.com:9443",
            SERVER_AUTH);
    assertThat(agent.getSubjectAlternativeNames()).contains(List.of(2, "kvm-02.hosts.example.com"));
    assertThat(agent.getExtendedKeyUsage()).doesNotContain(CLIENT_AUTH);
    X509Certificate byAddress =
        assertIdentity(
            secrets.get("demo-porthole-host-agent-kvm-03-tls"),
            ca,
            "urn:porthole:host-agent:10.20.0.13:9443",
            SERVER_AUTH);
    assertThat(byAddress.getSubjectAlternativeNames()).contains(List.of(7, "10.20.0.13"));
  }

  /**
   * The engine's HTTPS port serves the JWKS under every name of its Service (the chart's default
   * jwksUrl names the .svc one): the ws-proxy and agents check the name they dial.
   */
  private static void assertNamesEveryEngineServiceName(X509Certificate engine, Rendered rendered)
      throws Exception {
    assertThat(engine.getExtendedKeyUsage()).contains(SERVER_AUTH);
    assertThat(engine.getSubjectAlternativeNames())
        .contains(
            List.of(2, "demo-porthole-engine"),
            List.of(2, "demo-porthole-engine.porthole"),
            List.of(2, "demo-porthole-engine.porthole.svc"),
            List.of(2, "demo-porthole-engine.porthole.svc.cluster.local"));
    String jwksUrl =
        Rendered.at(rendered.named("ConfigMap", "demo-porthole-ws-proxy"), "data.PORTHOLE_JWKS_URL")
            .toString();
    assertThat(engine.getSubjectAlternativeNames())
        .contains(List.of(2, java.net.URI.create(jwksUrl).getHost()));
  }

  private static X509Certificate assertIdentity(
      Map<String, Object> secret, X509Certificate ca, String uri, String usage) throws Exception {
    assertThat(secret).as(uri).isNotNull().containsEntry("type", "kubernetes.io/tls");
    Map<String, Object> data = Rendered.map(secret, "data");
    X509Certificate cert = certificate(decode(data, "tls.crt"));
    cert.verify(ca.getPublicKey());
    assertThat(cert.getSubjectAlternativeNames()).contains(List.of(6, uri));
    assertThat(cert.getExtendedKeyUsage()).contains(usage);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    PrivateKey key =
        pkcs8(new String(decode(data, "tls.key"), java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(certificate(decode(data, "ca.crt"))).isEqualTo(ca);
    return cert;
  }

  private static Map<String, Map<String, Object>> secretsByName(String yaml) {
    Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
    for (Map<String, Object> object : Chart.parseAll(yaml)) {
      byName.put(Rendered.name(object), object);
    }
    return byName;
  }

  private static byte[] decode(Map<String, Object> data, String key) {
    return Base64.getDecoder().decode(String.valueOf(data.get(key)));
  }

  private static X509Certificate certificate(Path file) throws Exception {
    return certificate(Files.readAllBytes(file));
  }

  private static X509Certificate certificate(byte[] pem) throws Exception {
    try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey pkcs8(String pem) throws IOException {
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("tls.key is not a PKCS#8 EC key", e);
    }
  }
}
