package org.porthole.engine.token;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Transactions;
import org.porthole.token.Ed25519Key;
import org.porthole.token.TokenSigner;

/**
 * The engine's Ed25519 signing keys, kept in PostgreSQL so every replica signs with keys the JWKS
 * publishes. On start it loads the keys or creates the first; every minute it rotates when the
 * signing key is older than {@code porthole.token.rotate-hours} and drops retired keys past their
 * grace. Creation and rotation hold a PostgreSQL advisory lock.
 *
 * <p>Thread-safe: the current signer is published through a volatile field.
 */
@ApplicationScoped
public class SigningKeys {

  private static final Logger LOG = Logger.getLogger(SigningKeys.class);
  private static final int KID_BYTES = 12;
  private static final int MIN_ROTATE_HOURS = 1;
  private static final int MAX_ROTATE_HOURS = 24 * 365;

  private final Transactions transactions;
  private final SigningKeyRepository repository;
  private final Clock clock;
  private final KeyRing ring;
  private final SecureRandom random = new SecureRandom();
  private volatile Signer current;

  @Inject
  public SigningKeys(
      Transactions transactions,
      SigningKeyRepository repository,
      Clock clock,
      @ConfigProperty(name = "porthole.token.rotate-hours", defaultValue = "24") int rotateHours) {
    if (rotateHours < MIN_ROTATE_HOURS || rotateHours > MAX_ROTATE_HOURS) {
      throw new IllegalArgumentException(
          "porthole.token.rotate-hours must be 1.." + MAX_ROTATE_HOURS + ", was " + rotateHours);
    }
    this.transactions = transactions;
    this.repository = repository;
    this.clock = clock;
    this.ring = new KeyRing(Duration.ofHours(rotateHours), clock);
  }

  void onStart(@Observes @Priority(1) StartupEvent event) throws SQLException {
    maintain();
  }

  @Scheduled(
      every = "60s",
      delayed = "60s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledMaintenance() {
    try {
      maintain();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("signing key maintenance failed, retried in a minute: %s", e.getMessage());
    }
  }

  /** Creates the first key or rotates a due one, drops expired keys, and reloads the signer. */
  public void maintain() throws SQLException {
    current =
        transactions.inTransaction(
            connection -> {
              repository.lock(connection);
              List<StoredKey> keys = repository.list(connection);
              if (ring.rotationDue(keys)) {
                keys = rotate(connection, keys);
              }
              for (StoredKey expired : ring.expired(keys)) {
                repository.delete(connection, expired.kid());
              }
              return toSigner(ring.signing(keys).orElseThrow());
            });
  }

  /** Rotates now, whatever the age of the signing key (operations and tests). */
  public void rotateNow() throws SQLException {
    current =
        transactions.inTransaction(
            connection -> {
              repository.lock(connection);
              return toSigner(
                  ring.signing(rotate(connection, repository.list(connection))).orElseThrow());
            });
  }

  private List<StoredKey> rotate(Connection connection, List<StoredKey> keys) throws SQLException {
    Instant now = clock.instant();
    for (String kid : ring.toRetire(keys)) {
      repository.retire(connection, kid, now);
    }
    Ed25519Key key = Ed25519Key.generate(newKid());
    repository.insert(
        connection, new StoredKey(key.kid(), key.encodedPrivate(), key.encodedPublic(), now, null));
    LOG.infof(
        "signing key %s created; retired keys stay published for %s",
        key.kid(), KeyRing.RETIRED_KEY_GRACE);
    return repository.list(connection);
  }

  /** The signer of the current key. */
  public TokenSigner signer() {
    Signer signer = current;
    if (signer == null) {
      throw new IllegalStateException("signing keys not loaded yet");
    }
    return signer.signer();
  }

  /** The kid of the key that signs now. */
  public String signingKid() {
    return current.kid();
  }

  /** The public keys to publish, newest first, read from the database so all replicas agree. */
  public Map<String, PublicKey> publishedKeys() throws SQLException {
    List<StoredKey> keys = transactions.read(repository::list);
    Map<String, PublicKey> published = new LinkedHashMap<>();
    for (StoredKey key : ring.published(keys)) {
      published.put(
          key.kid(),
          Ed25519Key.fromEncoded(key.kid(), key.privatePkcs8(), key.publicX509()).publicKey());
    }
    return published;
  }

  private String newKid() {
    byte[] bytes = new byte[KID_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Signer toSigner(StoredKey key) {
    Ed25519Key loaded = Ed25519Key.fromEncoded(key.kid(), key.privatePkcs8(), key.publicX509());
    return new Signer(key.kid(), new TokenSigner(loaded));
  }

  private record Signer(String kid, TokenSigner signer) {}
}
