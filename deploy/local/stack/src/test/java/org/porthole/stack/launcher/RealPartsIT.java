package org.porthole.stack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.postgres.Postgres;

/** The real parts start, serve, and keep their data across a restart. */
class RealPartsIT {
  @TempDir Path dir;

  @Test
  void postgresKeepsDataAcrossRestart() throws Exception {
    Path data = dir.resolve("pg/data");
    int port = Ports.free();
    try (Postgres pg = Postgres.start(data, port, dir.resolve("logs"))) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('still here')");
      }
    }
    assertThat(Ports.isOpen(port)).as("stopped server releases its port").isFalse();
    try (Postgres pg = Postgres.start(data, port, dir.resolve("logs"));
        Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
  }

  @Test
  void kafkaBrokerKeepsRecordsAcrossRestart() throws Exception {
    Path data = dir.resolve("kafka");
    int port = Ports.free();
    String topic = "porthole.stack-it";
    try (KafkaBroker broker = KafkaBroker.start(data, port, dir.resolve("logs"))) {
      try (KafkaProducer<String, String> p = topicAndProducer(broker, topic)) {
        p.send(new ProducerRecord<>(topic, "vm-1", "hello")).get();
      }
    }
    try (KafkaBroker broker = KafkaBroker.start(data, port, dir.resolve("logs"));
        KafkaConsumer<String, String> c =
            new KafkaConsumer<>(
                consumer(broker), new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(Set.of(topic));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      for (int i = 0; i < 30 && records.isEmpty(); i++) {
        records = c.poll(Duration.ofSeconds(1));
      }
      assertThat(records.count()).isEqualTo(1);
      assertThat(records.iterator().next().value()).isEqualTo("hello");
    }
    assertThat(Files.exists(data.resolve("data/meta.properties"))).isTrue();
  }

  @Test
  void postgresKilledWithSigkillStartsAgainOnItsPortWithItsData() throws Exception {
    int port = Ports.free();
    try (Postgres pg = Postgres.start(dir.resolve("pg/data"), port, dir.resolve("logs"))) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('committed before the crash')");
      }
      pg.kill();
      assertThat(pg.isAlive()).isFalse();
      assertThat(Ports.isOpen(port)).as("a killed server's port").isFalse();
      pg.startAgain();
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("committed before the crash");
      }
    }
    assertThat(Ports.isOpen(port)).as("stopped server releases its port").isFalse();
  }

  @Test
  void kafkaKilledWithSigkillStartsAgainOnItsPortWithItsRecords() throws Exception {
    int port = Ports.free();
    String topic = "porthole.stack-chaos-it";
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), port, dir.resolve("logs"))) {
      try (KafkaProducer<String, String> p = topicAndProducer(broker, topic)) {
        p.send(new ProducerRecord<>(topic, "vm-1", "before the crash")).get();
        broker.kill();
        assertThat(broker.isAlive()).isFalse();
        assertThat(Ports.isOpen(port)).as("a killed broker's port").isFalse();
        broker.startAgain();
        p.send(new ProducerRecord<>(topic, "vm-1", "after the restart")).get();
      }
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              consumer(broker), new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(Set.of(topic));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 30 && values.size() < 2; i++) {
          c.poll(Duration.ofSeconds(1)).forEach(r -> values.add(r.value()));
        }
        assertThat(values).containsExactly("before the crash", "after the restart");
      }
    }
  }

  private static Map<String, Object> consumer(KafkaBroker broker) {
    Map<String, Object> p = broker.admin().clientProperties("it");
    p.put("group.id", UUID.randomUUID().toString());
    p.put("auto.offset.reset", "earliest");
    return p;
  }

  /** Creates {@code topic} (one partition) and a producer that waits for the broker's ack. */
  private static KafkaProducer<String, String> topicAndProducer(KafkaBroker broker, String topic)
      throws Exception {
    try (Admin admin = Admin.create(broker.admin().clientProperties("it"))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    Map<String, Object> producer = broker.admin().clientProperties("it");
    producer.put("acks", "all");
    return new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer());
  }
}
