package org.porthole.engine.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.keycloak.Keycloak;
import org.porthole.stack.keycloak.KeycloakAdmin;
import org.porthole.stack.keycloak.KeycloakHttps;
import org.porthole.stack.postgres.Postgres;
import org.porthole.testsupport.net.SeverableLink;

/**
 * Real parts for the engine's integration tests: Debian's PostgreSQL and a KRaft Kafka broker
 * (SASL/SCRAM with ACLs; the engine signs in as its own user), each on a free loopback port in a
 * temporary directory; an MIT KDC and Keycloak with the shipped realm, whose state lives under
 * {@code target/} so that later builds skip Keycloak's one-minute first start (a changed realm file
 * gets a fresh state directory). Returns the config that points the engine at them, and makes every
 * RestAssured request sign in as admin ({@link SignIn}).
 *
 * <p>With the init arg {@link #DATABASE_LINK}{@code =}{@link #SEVERABLE} the engine reaches
 * PostgreSQL through a {@link SeverableLink} ({@link #databaseLink()}), and its JDBC URL carries
 * the credentials too, so a test can cut the database away and look for them in what the engine
 * says.
 */
public class StackResource implements QuarkusTestResourceLifecycleManager {

  /** Config key under which the tests find the temporary directory (dev PKI lives there). */
  public static final String PKI_DIR = "porthole.pki.dir";

  /** Init arg: how the engine reaches PostgreSQL. */
  public static final String DATABASE_LINK = "database-link";

  /** {@link #DATABASE_LINK} value: through a link the test can sever. */
  public static final String SEVERABLE = "severable";

  /**
   * Init arg: Keycloak also serves https (certificate of the development CA in the sign-in state),
   * and the engine reads the realm there, trusting {@link #DEV_CA} or a {@link #FOREIGN_CA}.
   */
  public static final String KEYCLOAK_HTTPS = "keycloak-https";

  /** {@link #KEYCLOAK_HTTPS} value: the engine trusts the CA that issued Keycloak's certificate. */
  public static final String DEV_CA = "dev-ca";

  /** {@link #KEYCLOAK_HTTPS} value: the engine trusts another CA only. */
  public static final String FOREIGN_CA = "foreign-ca";

  private static final Path REALM_JSON =
      Path.of(System.getProperty("porthole.repo", "../.."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/local/keycloak/porthole-realm.json");

  private static volatile Kdc kdc;
  private static volatile Keycloak keycloak;
  private static volatile Path signInState;

  private static volatile KafkaBroker kafka;
  private static volatile int kafkaPort;
  private static volatile Path kafkaDir;
  private static volatile Path kafkaLogs;
  private static volatile SeverableLink databaseLink;
  private static volatile Optional<KeycloakHttps> keycloakTls = Optional.empty();

  /**
   * The resource whose parts the static accessors hand out. Quarkus may start the next test class's
   * resources before it stops the previous ones, so each resource stops only the parts it owns.
   */
  private static volatile StackResource current;

  private Kdc ownKdc;
  private Keycloak ownKeycloak;
  private KafkaBroker ownKafka;

  private boolean severableDatabase;
  private String keycloakHttps;
  private Path dir;
  private Postgres postgres;

  @Override
  public void init(Map<String, String> initArgs) {
    severableDatabase = SEVERABLE.equals(initArgs.get(DATABASE_LINK));
    keycloakHttps = initArgs.get(KEYCLOAK_HTTPS);
  }

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("porthole-engine-it");
      Path logs = dir.resolve("logs");
      postgres = Postgres.start(dir.resolve("pg").resolve("data"), Ports.free(), logs);
      kafkaDir = dir.resolve("kafka");
      kafkaPort = Ports.free();
      kafkaLogs = logs;
      current = this;
      kafka = ownKafka = KafkaBroker.start(kafkaDir, kafkaPort, logs);
      KafkaClientSettings engineKafka = kafka.access().engine();
      // Keycloak over https keeps a sign-in state of its own: a class with it and one without may
      // briefly run side by side while Quarkus switches between them.
      signInState = signInStateDir(keycloakHttps == null ? "" : "-https");
      Path signInLogs = signInState.resolve("logs");
      kdc = ownKdc = Kdc.start(signInState.resolve("kdc"), Ports.free(), signInLogs);
      Optional<KeycloakHttps> https =
          Optional.ofNullable(keycloakHttps)
              .map(
                  trust ->
                      new KeycloakHttps(
                          signInState.resolve("pki"), Ports.free(), Optional.empty()));
      keycloakTls = https;
      keycloak =
          ownKeycloak =
              Keycloak.start(
                  signInState.resolve("keycloak"),
                  Ports.free(),
                  REALM_JSON,
                  kdc,
                  signInLogs,
                  https);
      SignIn.install(keycloak.realmUrl());
      Map<String, String> config = new LinkedHashMap<>();
      config.put("quarkus.datasource.jdbc.url", jdbcUrl());
      config.put("quarkus.datasource.username", postgres.user());
      config.put("quarkus.datasource.password", postgres.password());
      config.putAll(engineKafka.asSettings());
      config.put(PKI_DIR, dir.resolve("pki").toString());
      config.put("porthole.oidc.url", keycloak.issuerUrl());
      if (keycloakHttps != null) {
        config.put("porthole.oidc.ca-file", caFile().toString());
      }
      config.put("porthole.oidc.client-secret", keycloak.engineClientSecret());
      config.put("porthole.kerberos.principal", Kdc.HTTP_PRINCIPAL);
      config.put("porthole.kerberos.keytab", kdc.keytab().toString());
      config.put("porthole.kerberos.krb5-conf", kdc.krb5Conf().toString());
      return config;
    } catch (IOException | RuntimeException e) {
      stop();
      throw new IllegalStateException(
          "could not start the engine ITs' parts (PostgreSQL, Kafka, KDC, Keycloak): "
              + e.getMessage(),
          e);
    }
  }

  /** The CA the engine trusts for Keycloak's https: the one that issued it, or a stranger. */
  private Path caFile() {
    if (DEV_CA.equals(keycloakHttps)) {
      return keycloak.httpsCaFile().orElseThrow();
    }
    if (FOREIGN_CA.equals(keycloakHttps)) {
      return DevPki.ensure(dir.resolve("foreign-pki"), ServiceIdentity.engine()).caCert();
    }
    throw new IllegalArgumentException(
        KEYCLOAK_HTTPS + " must be " + DEV_CA + " or " + FOREIGN_CA + ": " + keycloakHttps);
  }

  /**
   * The engine's JDBC URL: PostgreSQL's own, or through a new severable link with the credentials
   * in its query as well.
   */
  private String jdbcUrl() throws IOException {
    if (!severableDatabase) {
      return postgres.jdbcUrl();
    }
    databaseLink = SeverableLink.tcp("127.0.0.1", postgres.port());
    String direct = postgres.jdbcUrl();
    return direct.replace(":" + postgres.port() + "/", ":" + databaseLink.port() + "/")
        + "?user="
        + postgres.user()
        + "&password="
        + URLEncoder.encode(postgres.password(), StandardCharsets.UTF_8);
  }

  /** The link in front of PostgreSQL under {@link #SEVERABLE}; null otherwise. */
  public static SeverableLink databaseLink() {
    return databaseLink;
  }

  /** The running KDC (for kinit); null outside an IT run. */
  public static Kdc kdc() {
    return kdc;
  }

  /** The running Keycloak (admin calls, stop and restart); null outside an IT run. */
  public static Keycloak keycloak() {
    return keycloak;
  }

  /** The running broker (its super user for tests' producers and observers; its access grants). */
  public static KafkaBroker kafka() {
    return kafka;
  }

  /** Stops the Kafka broker (its data stays) until {@link #startKafka()}. */
  public static void stopKafka() {
    kafka.close();
  }

  /** Starts the Kafka broker again on the same port and data. */
  public static void startKafka() throws IOException {
    kafka = KafkaBroker.start(kafkaDir, kafkaPort, kafkaLogs);
    current.ownKafka = kafka;
  }

  /** Keycloak's admin REST API, signed in as the bootstrap administrator. */
  public static KeycloakAdmin keycloakAdmin() throws IOException {
    return keycloak.admin();
  }

  /**
   * Stops Keycloak and starts it again on the same port and state (tokens keep their issuer);
   * {@code whileDown} runs in between.
   */
  public static void restartKeycloak(Runnable whileDown) throws IOException {
    int port = keycloak.port();
    keycloak.close();
    try {
      whileDown.run();
    } finally {
      keycloak =
          Keycloak.start(
              signInState.resolve("keycloak"),
              port,
              REALM_JSON,
              kdc,
              signInState.resolve("logs"),
              keycloakTls);
      current.ownKeycloak = keycloak;
    }
  }

  /**
   * {@code target/it-sign-in/<realm file hash>}: reused by every build while the realm file stays.
   */
  private static Path signInStateDir(String suffix) throws IOException {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(REALM_JSON));
      return Path.of("target", "it-sign-in", HexFormat.of().formatHex(hash, 0, 6) + suffix)
          .toAbsolutePath();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void stop() {
    // Only what this resource started (Quarkus may call stop more than once, and after the next
    // class's resources have started): the static accessors may already hand out newer parts.
    if (ownKeycloak != null) {
      ownKeycloak.close();
      keycloak = keycloak == ownKeycloak ? null : keycloak;
      ownKeycloak = null;
    }
    if (ownKdc != null) {
      ownKdc.close();
      kdc = kdc == ownKdc ? null : kdc;
      ownKdc = null;
    }
    if (ownKafka != null) {
      ownKafka.close();
      kafka = kafka == ownKafka ? null : kafka;
      ownKafka = null;
    }
    if (databaseLink != null && severableDatabase) {
      databaseLink.close();
      databaseLink = null;
    }
    if (postgres != null) {
      postgres.close();
    }
    if (dir != null) {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
