package org.porthole.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

class KafkaClientSettingsTest {

  @TempDir Path dir;

  @Test
  void buildsScramClientPropertiesWithThePasswordFromItsFile() throws IOException {
    Path password = Files.writeString(dir.resolve("pw"), "s3cr\"et\\x\n");
    KafkaClientSettings s =
        KafkaClientSettings.from(
            Settings.of(
                Map.of(
                    "porthole.kafka.bootstrap",
                    "127.0.0.1:1234",
                    "porthole.kafka.user",
                    "porthole-engine",
                    "porthole.kafka.password-file",
                    password.toString())));

    Map<String, Object> p = s.clientProperties("engine");

    assertThat(p)
        .containsEntry("bootstrap.servers", "127.0.0.1:1234")
        .containsEntry("client.id", "engine")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"porthole-engine\" password=\"s3cr\\\"et\\\\x\";");
    assertThat(s.toString()).doesNotContain("s3cr");
  }

  @Test
  void refusesToConnectWithoutAuthentication() {
    assertThatThrownBy(
            () ->
                KafkaClientSettings.from(
                    Settings.of(Map.of("porthole.kafka.security-protocol", "PLAINTEXT"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.kafka.security-protocol");
    assertThatThrownBy(() -> KafkaClientSettings.from(Settings.of(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.kafka.user")
        .hasMessageContaining("PORTHOLE_KAFKA_USER");
    assertThatThrownBy(
            () -> KafkaClientSettings.from(Settings.of(Map.of("porthole.kafka.user", "u"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.kafka.password-file");
  }

  @Test
  void namesAnUnreadableOrEmptyPasswordFileWithoutItsContent() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(
            () ->
                KafkaClientSettings.from(
                    Settings.of(
                        Map.of(
                            "porthole.kafka.user",
                            "u",
                            "porthole.kafka.password-file",
                            empty.toString()))))
        .hasMessageContaining("is empty");
    assertThatThrownBy(
            () ->
                KafkaClientSettings.from(
                    Settings.of(
                        Map.of(
                            "porthole.kafka.user",
                            "u",
                            "porthole.kafka.password-file",
                            dir.resolve("missing").toString()))))
        .hasMessageContaining("cannot read");
  }

  @Test
  void saslSslNeedsACaFileAndChecksTheBrokersName() throws IOException {
    Path password = Files.writeString(dir.resolve("pw"), "pw");
    Map<String, String> base =
        Map.of(
            "porthole.kafka.user",
            "u",
            "porthole.kafka.password-file",
            password.toString(),
            "porthole.kafka.security-protocol",
            "sasl_ssl");
    assertThatThrownBy(() -> KafkaClientSettings.from(Settings.of(base)))
        .hasMessageContaining("porthole.kafka.ca-file");

    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Map<String, String> withCa = new java.util.HashMap<>(base);
    withCa.put("porthole.kafka.ca-file", ca.toString());
    Map<String, Object> p = KafkaClientSettings.from(Settings.of(withCa)).clientProperties("x");
    assertThat(p)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.location", ca.toString())
        .containsEntry("ssl.endpoint.identification.algorithm", "https");
  }
}
