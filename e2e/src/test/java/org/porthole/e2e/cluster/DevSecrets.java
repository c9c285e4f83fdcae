package org.porthole.e2e.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.stack.kafka.KafkaAccess;
import org.porthole.stack.launcher.StackOptions;

/**
 * The credentials {@code ci/dev-values.yaml} names, taken from a running one-machine stack's state
 * directory: PostgreSQL's password, the Kafka users' passwords, Keycloak's engine client secret and
 * the development CA. The chart's host agent has a host id of its own, so its Kafka user is made
 * here with the stack's Kafka super user (the ACLs the stack grants its own host agent).
 *
 * <p>The file layout is the stack's (its {@code Postgres}, {@code KafkaBroker}, {@code Keycloak}
 * and {@code DevPki}); the stack offers no accessor for it yet.
 */
final class DevSecrets {
  private static final String ADMIN_USER = "porthole-admin";
  private static final int SCRAM_ITERATIONS = 8192;
  private static final long CALL_SECONDS = 30;

  private final StackOptions stack;

  DevSecrets(StackOptions stack) {
    this.stack = stack;
  }

  /** The password file of a Kafka user the stack granted. */
  Path kafkaPassword(String user) {
    return stack.stateDir().resolve("kafka/secrets/users/" + user + ".password");
  }

  Path caCert() {
    return stack.stateDir().resolve("pki/ca.pem");
  }

  Path caKey() {
    return stack.stateDir().resolve("pki/ca.key");
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + stack.postgresPort() + "/porthole";
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + stack.kafkaPort();
  }

  /**
   * Makes the Kafka user of the host agent {@code hostId} with a new password written to {@code
   * passwordFile} (owner only): its own topics and the refusals topic, as the stack's own agent.
   */
  void grantHostAgent(String hostId, Path passwordFile) throws IOException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    Files.writeString(passwordFile, password);
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    String user = KafkaAccess.hostAgentUser(hostId);
    List<AclBinding> acls = new ArrayList<>();
    for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
      acls.add(allow(user, EventTopics.REFUSALS, op));
    }
    for (String topic : EventTopics.hostTopics(hostId)) {
      for (AclOperation op :
          List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
        acls.add(allow(user, topic, op));
      }
    }
    Path adminPassword = stack.stateDir().resolve("kafka/secrets/" + ADMIN_USER + ".password");
    KafkaClientSettings admin =
        KafkaClientSettings.plaintext(kafkaBootstrap(), ADMIN_USER, adminPassword);
    try (Admin a = Admin.create(admin.clientProperties("porthole-e2e-cluster"))) {
      a.alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                      password)))
          .all()
          .get(CALL_SECONDS, TimeUnit.SECONDS);
      a.createAcls(acls).all().get(CALL_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot grant Kafka user " + user + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while granting Kafka user " + user, e);
    }
  }

  private static AclBinding allow(String user, String topic, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }
}
