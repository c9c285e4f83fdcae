package org.porthole.stack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.stack.host.Ports;

/**
 * The stack's broker lets in only authenticated principals and each only where its ACLs say
 * (docs/contracts.md, "Kafka"): the attacks of a process that can reach the broker.
 */
class KafkaAccessIT {
  private static final String HOST_A = "kvm-a.example.org:9443";
  private static final String HOST_B = "kvm-b.example.org:9443";

  private static Path dir;
  private static KafkaBroker broker;
  private static KafkaClientSettings hostA;
  private static KafkaClientSettings proxy;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("porthole-kafka-access");
    broker = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), dir.resolve("logs"));
    KafkaAccess access = broker.access();
    hostA = access.hostAgent(HOST_A);
    access.hostAgent(HOST_B);
    proxy = access.wsProxy();
    try (Admin admin = Admin.create(broker.admin().clientProperties("it"))) {
      List<NewTopic> topics =
          EventTopics.hostTopics(HOST_B).stream().map(t -> new NewTopic(t, 1, (short) 1)).toList();
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      admin
          .createTopics(
              List.of(
                  new NewTopic(
                      EventTopics.hostTopic(HOST_A, EventTopics.Stream.GRAPHICS), 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void producerWithoutCredentialsIsRefused() {
    Map<String, Object> p = Map.of("bootstrap.servers", broker.bootstrap(), "max.block.ms", 5000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(
                          new ProducerRecord<>(
                              EventTopics.hostTopic(HOST_B, EventTopics.Stream.HOSTS),
                              "k",
                              "GOODBYE"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOfAny(
              ExecutionException.class, org.apache.kafka.common.errors.TimeoutException.class);
    }
  }

  @Test
  void producerWithAWrongPasswordIsRefused() throws Exception {
    Path wrong = dir.resolve("wrong.password");
    Files.writeString(wrong, "not-the-password");
    KafkaClientSettings forged =
        KafkaClientSettings.plaintext(broker.bootstrap(), KafkaAccess.hostAgentUser(HOST_B), wrong);
    assertThatThrownBy(() -> send(forged, EventTopics.hostTopic(HOST_B, EventTopics.Stream.HOSTS)))
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void hostAgentCannotPublishAnotherHostsEvents() {
    for (String topic : EventTopics.hostTopics(HOST_B)) {
      assertThatThrownBy(() -> send(hostA, topic))
          .as(topic)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void hostAgentCannotForgeAuditEvents() {
    assertThatThrownBy(() -> send(hostA, EventTopics.AUDIT))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void hostAgentPublishesItsOwnEventsAndRefusals() throws Exception {
    send(hostA, EventTopics.hostTopic(HOST_A, EventTopics.Stream.GRAPHICS));
    send(hostA, EventTopics.REFUSALS);
  }

  @Test
  void wsProxyMayOnlyPublishRefusals() throws Exception {
    send(proxy, EventTopics.REFUSALS);
    assertThatThrownBy(
            () -> send(proxy, EventTopics.hostTopic(HOST_A, EventTopics.Stream.GRAPHICS)))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send(proxy, EventTopics.AUDIT))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void secretsAreOwnerOnlyFiles() throws Exception {
    for (Path file :
        List.of(
            hostA.passwordFile(),
            proxy.passwordFile(),
            broker.admin().passwordFile(),
            dir.resolve("kafka/server.properties"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as(file.toString())
          .isEqualTo("rw-------");
    }
  }

  private static void send(KafkaClientSettings as, String topic) throws Exception {
    Map<String, Object> p = as.clientProperties("it");
    p.put("max.block.ms", 10_000);
    p.put("acks", "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    }
  }
}
