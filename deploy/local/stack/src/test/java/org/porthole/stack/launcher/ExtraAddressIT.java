package org.porthole.stack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.host.Listeners;
import org.porthole.stack.host.NetnsPeer;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.keycloak.Keycloak;
import org.porthole.stack.keycloak.KeycloakHttps;
import org.porthole.stack.postgres.Postgres;

/**
 * The stack's parts serving an extra address, reached from another network as a pod reaches them: a
 * network namespace joined by a veth pair, this machine's end the extra address. From inside it a
 * client signs in to PostgreSQL (and is refused with a wrong password), produces and consumes
 * through Kafka's advertised extra listener, and reads Keycloak's discovery document over https
 * trusting the development CA; the loopback-only ports stay closed there, one issuer names every
 * token, and nothing the test started listens on every address.
 */
class ExtraAddressIT {
  private static final Path REALM_JSON =
      Path.of(System.getProperty("porthole.repo", "../../.."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/local/keycloak/porthole-realm.json");
  private static final Duration POD_TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path dir;
  private static NetnsPeer net;
  private static Postgres postgres;
  private static KafkaBroker kafka;
  private static Kdc kdc;
  private static Keycloak keycloak;
  private static int kafkaExtraPort;
  private static int httpsPort;
  private static final Map<String, String> pod = new HashMap<>();

  @BeforeAll
  static void startPartsAndVisitThemFromAnotherNetwork() throws Exception {
    net = NetnsPeer.create();
    ExtraAddress extra = ExtraAddress.require(net.hostAddress());
    int[] ports = Ports.distinct(6);
    Path logs = dir.resolve("logs");
    postgres = Postgres.start(dir.resolve("pg/data"), ports[0], logs, Optional.of(extra));
    kafkaExtraPort = ports[2];
    kafka =
        KafkaBroker.start(
            dir.resolve("kafka"),
            ports[1],
            logs,
            Optional.of(new KafkaBroker.Listener(extra, kafkaExtraPort)));
    kdc = Kdc.start(dir.resolve("kdc"), ports[3], logs);
    httpsPort = ports[5];
    // Keycloak's unpacked distribution and realm stay under target/ across runs (its first start
    // takes minutes); its https options are set anew on every start.
    keycloak =
        Keycloak.start(
            Path.of("target/it-extra-address/keycloak").toAbsolutePath(),
            ports[4],
            REALM_JSON,
            kdc,
            logs,
            Optional.of(new KeycloakHttps(dir.resolve("pki"), httpsPort, Optional.of(extra))));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PodClient.class.getName(),
                extra.host(),
                Integer.toString(postgres.port()),
                dir.resolve("pg/postgres.password").toString(),
                kafka.extraBootstrap().orElseThrow(),
                KafkaBroker.ADMIN_USER,
                kafka.admin().passwordFile().toString(),
                keycloak.issuerUrl(),
                keycloak.httpsCaFile().orElseThrow().toString()));
    // Loopback-only: Keycloak's http, the loopback Kafka listener, the KDC.
    command.addAll(
        List.of(
            Integer.toString(keycloak.port()),
            Integer.toString(kafka.port()),
            Integer.toString(ports[3])));
    long t0 = System.nanoTime();
    String out = net.run(command, POD_TIMEOUT);
    System.out.printf(
        "ExtraAddressIT: the pod's checks took %d ms:%n%s%n",
        Duration.ofNanos(System.nanoTime() - t0).toMillis(), out.strip());
    out.lines()
        .filter(l -> l.matches("[a-z.0-9-]+=.*"))
        .forEach(l -> pod.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable part : new AutoCloseable[] {keycloak, kdc, kafka, postgres, net}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        System.err.println("ExtraAddressIT: stopping a part failed: " + e.getMessage());
      }
    }
  }

  @Test
  void postgresAdmitsThePodsSubnetWithThePasswordOnly() {
    assertThat(pod).containsEntry("postgres.client", net.peerAddress());
    assertThat(pod).containsEntry("postgres.wrong-password", "28P01");
  }

  @Test
  void kafkaAdvertisesTheExtraListenerAndCarriesRecordsThroughIt() {
    assertThat(pod).containsEntry("kafka.advertised", net.hostAddress());
    assertThat(pod).containsEntry("kafka.consumed", "same");
  }

  @Test
  void keycloakServesDiscoveryOverHttpsWithOneIssuerForEveryClient() throws Exception {
    String issuer = "https://" + net.hostAddress() + ":" + httpsPort + "/realms/porthole";
    assertThat(pod).containsEntry("keycloak.status", "200");
    assertThat(pod).containsEntry("keycloak.issuer", issuer);
    assertThat(pod.get("keycloak.jwks")).startsWith(issuer + "/");
    assertThat(pod.get("keycloak.token")).startsWith(issuer + "/");

    // Loopback clients keep plain http for the back channel, and see the same issuer.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    JsonNode local =
        new ObjectMapper()
            .readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    keycloak.realmUrl() + "/.well-known/openid-configuration"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
    assertThat(local.path("issuer").asText()).isEqualTo(issuer);
    assertThat(local.path("token_endpoint").asText()).startsWith(keycloak.realmUrl() + "/");
    String token = keycloak.accessToken("porthole-cli", "alice", Kdc.DEMO_USERS.get("alice"));
    String claims =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    assertThat(new ObjectMapper().readTree(claims).path("iss").asText()).isEqualTo(issuer);
  }

  @Test
  void loopbackOnlyPortsStayClosedOnTheExtraAddress() {
    assertThat(pod)
        .containsEntry("closed." + keycloak.port(), "refused")
        .containsEntry("closed." + kafka.port(), "refused")
        .containsEntry("closed." + kdc.port(), "refused");
  }

  @Test
  void nothingStartedHereListensOnEveryAddress() throws Exception {
    List<Listeners.Listener> listening = Listeners.ofThisTest();
    System.out.println("ExtraAddressIT: listening: " + listening);
    assertThat(listening).noneMatch(Listeners.Listener::everyAddress);
    assertThat(listening)
        .extracting(l -> l.address().getHostAddress() + ":" + l.port())
        .contains(
            net.hostAddress() + ":" + postgres.port(),
            net.hostAddress() + ":" + kafkaExtraPort,
            net.hostAddress() + ":" + httpsPort,
            "127.0.0.1:" + httpsPort);
  }
}
