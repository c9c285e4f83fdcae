package org.porthole.stack.launcher;

import java.io.IOException;
import java.util.Optional;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.keycloak.Keycloak;
import org.porthole.stack.keycloak.KeycloakHttps;
import org.porthole.stack.launcher.LocalStack.Progress;
import org.porthole.stack.postgres.Postgres;

/**
 * The stack's PostgreSQL, Kafka and Keycloak, on loopback and, with an {@link ExtraAddress}, on
 * that address too: PostgreSQL on the same port (SCRAM from the address's subnet), Kafka on a
 * second listener, Keycloak over https with a certificate of the stack's development CA. {@link
 * #close()} stops them in reverse order.
 */
final class Infrastructure implements AutoCloseable {
  private Postgres postgres;
  private KafkaBroker kafka;
  private Keycloak keycloak;

  private Infrastructure() {}

  /** Starts the three; on failure stops what had started and rethrows. */
  static Infrastructure start(
      StackOptions options,
      Kdc kdc,
      Optional<ExtraAddress> extra,
      String realmJson,
      Progress progress)
      throws IOException {
    Infrastructure parts = new Infrastructure();
    try {
      parts.startAll(options, kdc, extra, realmJson, progress);
      return parts;
    } catch (IOException | RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  private void startAll(
      StackOptions options,
      Kdc kdc,
      Optional<ExtraAddress> extra,
      String realmJson,
      Progress progress)
      throws IOException {
    String also = extra.map(e -> " and " + e.host()).orElse("");
    progress.step("starting PostgreSQL on 127.0.0.1" + also + " port " + options.postgresPort());
    postgres =
        Postgres.start(
            options.stateDir().resolve("postgres/data"),
            options.postgresPort(),
            options.logDir(),
            extra);
    progress.step(
        "starting Kafka (KRaft) on 127.0.0.1:"
            + options.kafkaPort()
            + extra.map(e -> " and " + e.host() + ":" + options.kafkaExtraPort()).orElse(""));
    kafka =
        KafkaBroker.start(
            options.stateDir().resolve("kafka"),
            options.kafkaPort(),
            options.logDir(),
            extra.map(e -> new KafkaBroker.Listener(e, options.kafkaExtraPort())));
    Optional<KeycloakHttps> https =
        extra.map(
            e ->
                new KeycloakHttps(
                    options.stateDir().resolve("pki"),
                    options.keycloakHttpsPort(),
                    Optional.of(e)));
    progress.step(
        "starting Keycloak on http://localhost:"
            + options.keycloakPort()
            + https.map(h -> " and " + h.issuerBase()).orElse("")
            + " (its first start takes about a minute; later ones reuse its data)");
    keycloak =
        Keycloak.start(
            options.stateDir().resolve("keycloak"),
            options.keycloakPort(),
            options.repoRoot().resolve(realmJson),
            kdc,
            options.logDir(),
            https);
  }

  static ExtraEndpoints endpoints(
      ExtraAddress extra, Postgres postgres, KafkaBroker kafka, Keycloak keycloak) {
    return new ExtraEndpoints(
        extra,
        postgres.extraJdbcUrl().orElseThrow(),
        kafka.extraBootstrap().orElseThrow(),
        keycloak.issuerUrl(),
        keycloak.httpsCaFile().orElseThrow());
  }

  Postgres postgres() {
    return postgres;
  }

  KafkaBroker kafka() {
    return kafka;
  }

  Keycloak keycloak() {
    return keycloak;
  }

  @Override
  public void close() {
    for (AutoCloseable part : new AutoCloseable[] {keycloak, kafka, postgres}) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        System.err.println("porthole: stopping a part failed: " + e.getMessage());
      }
    }
  }
}
