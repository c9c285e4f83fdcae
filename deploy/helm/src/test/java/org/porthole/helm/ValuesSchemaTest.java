package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values that cannot work are refused before anything reaches a cluster, with a message that names
 * the value and says what is wrong: by values.schema.json (types, ranges, patterns, unknown keys)
 * or by the templates (rules across values). Each case starts from a valid value set.
 */
class ValuesSchemaTest {

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("engine.replicas", 0, "engine.replicas", "greater than or equal to 1"),
        Arguments.of("image.pullPolicy", "Sometimes", "image.pullPolicy", "Always"),
        Arguments.of("wsProxy.ports.ws", 70000, "wsProxy.ports.ws", "65535"),
        Arguments.of("publicUrl", "porthole.example.com", "publicUrl", "pattern"),
        Arguments.of("proxyUrl", "wss://x.example.com/console?t=1", "proxyUrl", "pattern"),
        Arguments.of("jwksUrl", "http://engine.porthole.svc/api/v1/jwks", "jwksUrl", "pattern"),
        Arguments.of("keycloak.url", "http://sso.example.com/realms/p", "keycloak.url", "pattern"),
        Arguments.of("keycloak.caConfigMap", "Keycloak_CA", "keycloak.caConfigMap", "pattern"),
        Arguments.of("kafka.securityProtocol", "PLAINTEXT", "kafka.securityProtocol", "SASL_SSL"),
        Arguments.of(
            "hostAgent.libvirtGroupId",
            0,
            "hostAgent.libvirtGroupId",
            "greater than or equal to 1"),
        Arguments.of("hostAgent.nodes[0].hostId", "kvm-01", "hostId", "pattern"),
        Arguments.of("engine.replica", 3, "engine", "replica"),
        Arguments.of(
            "engine.config.porthole\\.db\\.password", "hunter2", "porthole.db.password", ""),
        Arguments.of(
            "hostAgent.config.porthole\\.tls\\.private-key",
            "hunter2",
            "porthole.tls.private-key",
            "names or holds a secret"),
        Arguments.of(
            "engine.config.porthole\\.db\\.url",
            "jdbc:postgresql://db/porthole?password=hunter2",
            "porthole.db.url",
            "names or holds a secret"),
        Arguments.of(
            "wsProxy.config.porthole\\.jwks\\.url",
            "https://engine:hunter2@engine.porthole.svc/api/v1/jwks",
            "porthole.jwks.url",
            "names or holds a secret"),
        Arguments.of(
            "wsProxy.extraEnv[0].name",
            "PORTHOLE_KAFKA_PASSWORD",
            "PORTHOLE_KAFKA_PASSWORD",
            "use valueFrom.secretKeyRef"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("refusals")
  void refusesAnImpossibleValueNamingIt(String key, Object value, String named, String why) {
    Map<String, Object> sets =
        key.startsWith("wsProxy.extraEnv")
            ? Map.of(key, value, "wsProxy.extraEnv[0].value", "hunter2")
            : Map.of(key, value);
    assertThatThrownBy(() -> Chart.template("certmanager-values.yaml", sets))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(named)
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  static Stream<Arguments> missingSettings() {
    return Stream.of(
        Arguments.of(
            "postgresql.existingSecret",
            "postgresql.existingSecret is required: a Secret with keys username and password"),
        Arguments.of("kafka.existingSecret", "kafka.existingSecret is required"),
        Arguments.of("keycloak.existingSecret", "keycloak.existingSecret is required"),
        Arguments.of("hostAgent.libvirtGroupId", "hostAgent.libvirtGroupId is required"),
        Arguments.of(
            "tls.certManager.issuerRef.name", "tls.certManager.issuerRef.name is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingSettings")
  void refusesAMissingSettingSayingWhatItMustBe(String key, String message) {
    Map<String, Object> sets = Map.of(key, key.endsWith("GroupId") ? "null" : "");
    assertThatThrownBy(() -> Chart.template("certmanager-values.yaml", sets))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "replicas={0}")
  @MethodSource("hostNetworkReplicas")
  void refusesSeveralEnginesSharingANodesNetwork(int replicas) {
    Map<String, Object> sets = Map.of("engine.hostNetwork", true, "engine.replicas", replicas);
    assertThatThrownBy(() -> Chart.template("dev-values.yaml", sets))
        .hasMessageContaining("engine.hostNetwork is for one-node development");
  }

  static Stream<Integer> hostNetworkReplicas() {
    return Stream.of(2, 3);
  }
}
