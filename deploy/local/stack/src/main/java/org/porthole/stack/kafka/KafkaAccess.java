package org.porthole.stack.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.host.Sleep;

/**
 * Gives each Porthole service its own Kafka principal (a SCRAM-SHA-512 user whose password is an
 * owner-only file) and exactly the ACLs docs/contracts.md lists:
 *
 * <ul>
 *   <li>host agent {@code <host id>} ({@code porthole-host-<host key>}): write, describe and create
 *       its own four host topics; write {@code porthole.refusals.v1};
 *   <li>engine ({@code porthole-engine}): read every {@code porthole.host.} topic (prefixed) and
 *       {@code porthole.refusals.v1}, its consumer group; write and create {@code
 *       porthole.audit.v1} (and create the refusals topic);
 *   <li>ws-proxy ({@code porthole-ws-proxy}): write {@code porthole.refusals.v1}.
 * </ul>
 *
 * Everything else is refused by the broker ({@code allow.everyone.if.no.acl.found=false}). Granting
 * is idempotent: a restarted stack keeps each user's password file and re-applies the same ACLs.
 */
public final class KafkaAccess {
  public static final String ENGINE_USER = "porthole-engine";
  public static final String WS_PROXY_USER = "porthole-ws-proxy";
  private static final String HOST_USER_PREFIX = "porthole-host-";
  private static final int SCRAM_ITERATIONS = 8192;
  private static final Duration CALL = Duration.ofSeconds(30);

  private final KafkaClientSettings admin;
  private final Path users;

  KafkaAccess(KafkaClientSettings admin, Path users) {
    this.admin = admin;
    this.users = users;
  }

  /** The principal name of the host agent of {@code hostId}. */
  public static String hostAgentUser(String hostId) {
    return HOST_USER_PREFIX + EventTopics.hostKey(hostId);
  }

  /** The engine's credentials; also creates the topics it reads and writes besides the hosts'. */
  public KafkaClientSettings engine() throws IOException {
    String hostTopics = EventTopics.HOST_TOPIC_PREFIX;
    List<AclBinding> acls = new ArrayList<>();
    acls.add(
        allow(
            ENGINE_USER, ResourceType.TOPIC, hostTopics, PatternType.PREFIXED, AclOperation.READ));
    acls.add(
        allow(
            ENGINE_USER,
            ResourceType.TOPIC,
            hostTopics,
            PatternType.PREFIXED,
            AclOperation.DESCRIBE));
    acls.add(
        allow(
            ENGINE_USER,
            ResourceType.GROUP,
            EventTopics.ENGINE_GROUP,
            PatternType.LITERAL,
            AclOperation.READ));
    for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE)) {
      acls.add(
          allow(ENGINE_USER, ResourceType.TOPIC, EventTopics.REFUSALS, PatternType.LITERAL, op));
    }
    for (AclOperation op :
        List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
      acls.add(allow(ENGINE_USER, ResourceType.TOPIC, EventTopics.AUDIT, PatternType.LITERAL, op));
    }
    return grant(ENGINE_USER, acls);
  }

  /** The ws-proxy's credentials: it may only publish refusals. */
  public KafkaClientSettings wsProxy() throws IOException {
    return grant(WS_PROXY_USER, refusalWriter(WS_PROXY_USER));
  }

  /** The credentials of the host agent of {@code hostId}: its own topics and refusals. */
  public KafkaClientSettings hostAgent(String hostId) throws IOException {
    String user = hostAgentUser(hostId);
    List<AclBinding> acls = new ArrayList<>(refusalWriter(user));
    for (String topic : EventTopics.hostTopics(hostId)) {
      for (AclOperation op :
          List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
        acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, op));
      }
    }
    return grant(user, acls);
  }

  private static List<AclBinding> refusalWriter(String user) {
    return List.of(
        allow(
            user,
            ResourceType.TOPIC,
            EventTopics.REFUSALS,
            PatternType.LITERAL,
            AclOperation.WRITE),
        allow(
            user,
            ResourceType.TOPIC,
            EventTopics.REFUSALS,
            PatternType.LITERAL,
            AclOperation.DESCRIBE));
  }

  private static AclBinding allow(
      String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  private KafkaClientSettings grant(String user, List<AclBinding> acls) throws IOException {
    Path passwordFile = users.resolve(user + ".password");
    String password = Secrets.readOrCreate(passwordFile);
    try (Admin a = Admin.create(adminProperties())) {
      a.alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                      password)))
          .all()
          .get(CALL.toSeconds(), TimeUnit.SECONDS);
      a.createAcls(acls).all().get(CALL.toSeconds(), TimeUnit.SECONDS);
      createSharedTopics(a);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "cannot grant Kafka user " + user + " its access: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while granting Kafka user " + user, e);
    }
    KafkaClientSettings settings =
        KafkaClientSettings.plaintext(admin.bootstrap(), user, passwordFile);
    awaitAuthenticates(settings);
    return settings;
  }

  /** The topics no host agent creates: the audit (written by the engine) and the refusals. */
  private static void createSharedTopics(Admin a)
      throws ExecutionException, InterruptedException, TimeoutException {
    for (String topic : List.of(EventTopics.AUDIT, EventTopics.REFUSALS)) {
      try {
        a.createTopics(List.of(new NewTopic(topic, EventTopics.PARTITIONS, (short) 1)))
            .all()
            .get(CALL.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /** A new SCRAM credential reaches the broker through its metadata log: wait until it logs in. */
  private static void awaitAuthenticates(KafkaClientSettings settings) throws IOException {
    Instant deadline = Instant.now().plus(CALL);
    Map<String, Object> p = settings.clientProperties("porthole-stack-probe");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try (Admin probe = Admin.create(p)) {
        probe.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        last = String.valueOf(e.getCause() == null ? e : e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Kafka user " + settings.user(), e);
      }
      Sleep.millis(200);
    }
    throw new IOException(
        "Kafka user " + settings.user() + " cannot sign in within " + CALL + ": " + last);
  }

  private Map<String, Object> adminProperties() {
    Map<String, Object> p = admin.clientProperties("porthole-stack-access");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return p;
  }
}
