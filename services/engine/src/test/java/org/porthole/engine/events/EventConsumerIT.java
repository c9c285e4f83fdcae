package org.porthole.engine.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.engine.console.ConsoleSession;
import org.porthole.engine.console.SessionRepository;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.StackResource;

/**
 * The event consumer against the real broker: restarts lose nothing, replays change nothing, bad
 * records are skipped.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class EventConsumerIT {

  private static final String HOST = "127.0.0.1:9443";
  private static final String GRAPHICS_TOPIC = EventSender.topic(HOST, EventTopics.Stream.GRAPHICS);
  private static EventSender events;

  @Inject EventConsumer consumer;

  @Inject EventDispatcher dispatcher;

  @Inject Transactions transactions;

  @Inject SessionRepository sessions;

  @BeforeEach
  void connect() {
    if (events == null) {
      events = new EventSender();
    }
  }

  @AfterEach
  void consumerRunsAgain() {
    consumer.start();
  }

  @AfterAll
  static void disconnect() {
    if (events != null) {
      events.close();
    }
  }

  @Test
  void restartingTheConsumerMidStreamLosesNoEvent() throws Exception {
    Map<UUID, UUID> sessionToVm = createSessions(5, 20);
    CompletableFuture<Void> producing =
        CompletableFuture.runAsync(
            () -> {
              sessionToVm.forEach(
                  (session, vm) ->
                      events.graphics(vm, HOST, session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE));
              sessionToVm.forEach(
                  (session, vm) ->
                      events.graphics(vm, HOST, session, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT));
            });
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> countInState(sessionToVm, "issued") < sessionToVm.size());
    consumer.stop();
    int closedWhileStopped = countInState(sessionToVm, "closed");
    Thread.sleep(1000);
    assertThat(countInState(sessionToVm, "closed")).isEqualTo(closedWhileStopped);
    consumer.start();
    producing.get(60, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> countInState(sessionToVm, "closed") == sessionToVm.size());
    for (UUID session : sessionToVm.keySet()) {
      ConsoleSession stored = find(session);
      assertThat(stored.connectedAt()).as("initialize of %s applied", session).isNotNull();
      assertThat(stored.closedAt()).isNotNull();
    }
  }

  @Test
  void replayingTheWholeTopicChangesNothing() throws Exception {
    Map<UUID, UUID> sessionToVm = createSessions(1, 3);
    sessionToVm.forEach(
        (session, vm) -> {
          events.graphics(vm, HOST, session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
          events.graphics(vm, HOST, session, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
        });
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> countInState(sessionToVm, "closed") == sessionToVm.size());
    Map<UUID, ConsoleSession> before = new HashMap<>();
    for (UUID session : sessionToVm.keySet()) {
      before.put(session, find(session));
    }
    long appliedBefore = countAppliedEvents();

    consumer.stop();
    rewindConsumerGroup();
    consumer.start();
    UUID vm = sessionToVm.values().iterator().next();
    UUID marker = createSession(vm);
    events.graphics(vm, HOST, marker, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(marker, "connected");

    for (UUID session : sessionToVm.keySet()) {
      assertThat(find(session)).isEqualTo(before.get(session));
    }
    assertThat(countAppliedEvents()).isEqualTo(appliedBefore + 1);
  }

  @Test
  void sameEventTwiceIsAppliedOnce() throws SQLException {
    UUID vm = UUID.randomUUID();
    UUID session = createSession(vm);
    byte[] initialize =
        GraphicsEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vm.toString())
            .setHostId(HOST)
            .setSessionId(session.toString())
            .setPhase(GraphicsPhase.GRAPHICS_PHASE_INITIALIZE)
            .build()
            .toByteArray();

    assertThat(dispatcher.apply(GRAPHICS_TOPIC, initialize))
        .isEqualTo(EventDispatcher.Outcome.APPLIED);
    assertThat(dispatcher.apply(GRAPHICS_TOPIC, initialize))
        .isEqualTo(EventDispatcher.Outcome.DUPLICATE);
    assertThat(find(session).state().wireName()).isEqualTo("connected");
  }

  @Test
  void skipsMalformedRecordsAndKeepsConsuming() {
    UUID vm = UUID.randomUUID();
    UUID session = createSession(vm);
    String key = vm.toString();
    events.sendRaw(GRAPHICS_TOPIC, key, new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x13, 0x37});
    events.sendRaw(GRAPHICS_TOPIC, key, null);
    events.sendRaw(GRAPHICS_TOPIC, key, new byte[70 * 1024]);
    events.send(
        GraphicsEvent.newBuilder()
            .setVmUuid(key)
            .setHostId(HOST)
            .setSessionId(session.toString())
            .setPhase(GraphicsPhase.GRAPHICS_PHASE_DISCONNECT)
            .build());
    events.send(
        GraphicsEvent.newBuilder()
            .setEventId("bad id with spaces")
            .setHostId(HOST)
            .setVmUuid(key)
            .setSessionId(session.toString())
            .setPhase(GraphicsPhase.GRAPHICS_PHASE_DISCONNECT)
            .build());
    events.send(
        GraphicsEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setHostId(HOST)
            .setVmUuid(key)
            .setSessionId("'; DROP TABLE console_sessions; --")
            .setPhase(GraphicsPhase.GRAPHICS_PHASE_DISCONNECT)
            .build());
    events.send(
        GraphicsEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setHostId(HOST)
            .setVmUuid(key)
            .setSessionId(session.toString())
            .setPhaseValue(99)
            .build());
    events.sendRaw(
        EventSender.topic(HOST, EventTopics.Stream.HOSTS), "h", new byte[] {0x0a, (byte) 0xff});
    events.sendRaw(
        EventSender.topic(HOST, EventTopics.Stream.LIFECYCLE),
        key,
        "not protobuf at all".getBytes(StandardCharsets.UTF_8));

    events.graphics(vm, HOST, session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(session, "connected");
  }

  private Map<UUID, UUID> createSessions(int vms, int perVm) {
    Map<UUID, UUID> sessionToVm = new HashMap<>();
    for (int v = 0; v < vms; v++) {
      UUID vm = UUID.randomUUID();
      for (int s = 0; s < perVm; s++) {
        sessionToVm.put(createSession(vm), vm);
      }
    }
    return sessionToVm;
  }

  private UUID createSession(UUID vm) {
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    try {
      transactions.inTransaction(
          connection -> {
            sessions.insert(
                connection,
                ConsoleSession.issued(
                    id, vm, HOST, "it@loopback", "vnc", now, now.plusSeconds(120)));
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("could not store a test session", e);
    }
    return id;
  }

  private ConsoleSession find(UUID session) throws SQLException {
    return transactions.read(connection -> sessions.find(connection, session)).orElseThrow();
  }

  private int countInState(Map<UUID, UUID> sessionToVm, String state) throws SQLException {
    List<UUID> ids = new ArrayList<>(sessionToVm.keySet());
    return transactions.read(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT count(*) FROM console_sessions WHERE state = ? AND id = ANY (?)")) {
            statement.setString(1, state);
            statement.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
              rows.next();
              return rows.getInt(1);
            }
          }
        });
  }

  private long countAppliedEvents() throws SQLException {
    return transactions.read(
        connection -> {
          try (PreparedStatement statement =
                  connection.prepareStatement("SELECT count(*) FROM applied_events");
              ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  /** Points the engine's group back at offset 0 of every partition, as after losing its offsets. */
  private void rewindConsumerGroup() throws Exception {
    try (Admin admin =
        Admin.create(StackResource.kafka().admin().clientProperties("engine-it-rewind"))) {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      for (TopicDescription topic :
          admin
              .describeTopics(List.of(GRAPHICS_TOPIC))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .values()) {
        topic
            .partitions()
            .forEach(
                p ->
                    start.put(
                        new TopicPartition(topic.name(), p.partition()), new OffsetAndMetadata(0)));
      }
      await("consumer group empty and rewound")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .alterConsumerGroupOffsets(EventTopics.ENGINE_GROUP, start)
                    .all()
                    .get(10, TimeUnit.SECONDS);
                return true;
              });
    }
  }
}
