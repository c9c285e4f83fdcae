package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenMint;

/**
 * The whole agent as {@code java -jar} runs it (in this JVM): mutual TLS, the engine's JWKS over
 * HTTP, a real Kafka broker (KRaft) and real libvirt/QEMU. Ordered: the last tests stop the agent
 * (GOODBYE) and then run one with Kafka down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostAgentIT {
  @TempDir static Path dir;
  final TokenMint tokens = new TokenMint("engine-it");
  KafkaBroker broker;
  RunningAgent running;
  Connect libvirt;
  TestDomains domains;
  String vm;
  String hostId;
  HostAgent agent;
  ManagedChannel channel;
  ManagedChannel consoles;
  KafkaConsumer<byte[], byte[]> consumer;
  final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), dir.resolve("logs"));
    running = RunningAgent.withJwksOf(dir, tokens);
    libvirt = new Connect("qemu:///system");
    domains = new TestDomains(libvirt);
    vm = domains.start("agent", HostAgentLibvirtIT.SAFE_VNC).getUUIDString();
    agent = running.start(broker);
    hostId = running.hostId();
    channel = running.engineChannel();
    consoles = running.proxyChannel();
    consumer = consumer();
  }

  @AfterAll
  void stop() throws Exception {
    if (consumer != null) {
      consumer.close();
    }
    if (consoles != null) {
      consoles.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (running != null) {
      running.close();
    }
    if (domains != null) {
      domains.close();
      libvirt.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * Reads this host's topics and the refusals as the engine would, with the broker's super user.
   */
  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> p = broker.admin().clientProperties("host-agent-it");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "host-agent-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<String> topics = new ArrayList<>(EventTopics.hostTopics(hostId));
    topics.add(EventTopics.REFUSALS);
    c.subscribe(topics);
    return c;
  }

  private String topic(EventTopics.Stream stream) {
    return EventTopics.hostTopic(hostId, stream);
  }

  /** Polls until a record on {@code topic} satisfies {@code match}; returns it. */
  private ConsumerRecord<byte[], byte[]> await(
      String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      for (ConsumerRecord<byte[], byte[]> r : seen) {
        if (r.topic().equals(topic) && match.test(r)) {
          return r;
        }
      }
      consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
    }
    throw new AssertionError("no matching record on " + topic + " within 60 s; saw " + seen.size());
  }

  private static HostEvent host(ConsumerRecord<byte[], byte[]> r) {
    try {
      return HostEvent.parseFrom(r.value());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ConsoleRefusal refusal(ConsumerRecord<byte[], byte[]> r) {
    try {
      return ConsoleRefusal.parseFrom(r.value());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static GraphicsEvent graphics(ConsumerRecord<byte[], byte[]> r) {
    try {
      return GraphicsEvent.parseFrom(r.value());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A console through the relay: the token is the only credential (security None). */
  private void openConsoleAndLogIn(String sid) throws Exception {
    try (ConsoleSocket console =
        ConsoleSocket.open(HostAgentGrpc.newStub(consoles), tokens.token(sid, vm, hostId))) {
      assertThat(RfbClient.noneHandshake(ByteLink.of(console.in(), console.out()))).isTrue();
      assertThat(RfbClient.clientInit(ByteLink.of(console.in(), console.out()))).isNotNull();
    }
  }

  @Test
  @Order(1)
  void createsItsTopicsAndAnnouncesItself() throws Exception {
    HostEvent hb =
        host(await(topic(EventTopics.Stream.HOSTS), r -> host(r).getHostId().equals(hostId)));
    assertThat(hb.getKind()).isEqualTo(HostEventKind.HOST_EVENT_KIND_HEARTBEAT);
    assertThat(hb.getBootId()).isEqualTo(agent.identity().bootId());
    try (Admin admin = Admin.create(broker.admin().clientProperties("host-agent-it"))) {
      Map<String, TopicDescription> topics =
          admin.describeTopics(EventTopics.hostTopics(hostId)).allTopicNames().get();
      assertThat(topics).hasSize(4).containsKey(topic(EventTopics.Stream.GUESTS));
      topics.values().forEach(t -> assertThat(t.partitions()).hasSize(EventTopics.PARTITIONS));
    }
  }

  @Test
  @Order(2)
  void servesOnlyClientsWithAPortholeCertificate() throws Exception {
    assertThat(
            HostAgentGrpc.newBlockingStub(channel)
                .getInfo(GetInfoRequest.getDefaultInstance())
                .getHostId())
        .isEqualTo(hostId);
    TlsFiles files = TlsFiles.resolve(running.pki(), ServiceIdentity.engine());
    ChannelCredentials noClientCert =
        TlsChannelCredentials.newBuilder().trustManager(files.caCert().toFile()).build();
    for (ChannelCredentials creds : List.of(noClientCert, InsecureChannelCredentials.create())) {
      ManagedChannel c = running.channel(creds);
      try {
        assertThatThrownBy(
                () ->
                    HostAgentGrpc.newBlockingStub(c)
                        .withDeadlineAfter(java.time.Duration.ofSeconds(10))
                        .getInfo(GetInfoRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  @Order(3)
  void consoleGraphicsEventsReachKafkaWithTheirSession() throws Exception {
    String sid = "session-" + UUID.randomUUID();
    openConsoleAndLogIn(sid);
    for (GraphicsPhase phase :
        List.of(
            GraphicsPhase.GRAPHICS_PHASE_CONNECT,
            GraphicsPhase.GRAPHICS_PHASE_INITIALIZE,
            GraphicsPhase.GRAPHICS_PHASE_DISCONNECT)) {
      ConsumerRecord<byte[], byte[]> r =
          await(
              topic(EventTopics.Stream.GRAPHICS),
              x -> graphics(x).getSessionId().equals(sid) && graphics(x).getPhase() == phase);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(vm);
      assertThat(graphics(r).getHostId()).isEqualTo(hostId);
    }
  }

  @Test
  @Order(4)
  void consoleForAnotherHostIsRefusedAndReportedToTheAudit() throws Exception {
    String sid = "session-" + UUID.randomUUID();
    try (ConsoleSocket console =
        ConsoleSocket.open(
            HostAgentGrpc.newStub(consoles), tokens.token(sid, vm, "kvm-elsewhere:9443"))) {
      assertThat(console.in().read()).isEqualTo(-1);
    }
    ConsoleRefusal refusal =
        refusal(
            await(
                EventTopics.REFUSALS,
                r ->
                    refusal(r).getSourceId().equals(hostId)
                        && refusal(r).getReason().contains("another host")));
    assertThat(refusal.getSource()).isEqualTo("host-agent");
    assertThat(refusal.getStatus()).isEqualTo("FORBIDDEN");
    assertThat(refusal.getEventId()).isNotEmpty();
  }

  @Test
  @Order(5)
  void saysGoodbyeOnOrderlyShutdown() {
    String boot = agent.identity().bootId();
    running.stop();
    agent = null;
    HostEvent bye =
        host(
            await(
                topic(EventTopics.Stream.HOSTS),
                r ->
                    host(r).getBootId().equals(boot)
                        && host(r).getKind() == HostEventKind.HOST_EVENT_KIND_GOODBYE));
    assertThat(bye.getHostId()).isEqualTo(hostId);
  }

  @Test
  @Order(6)
  void keepsServingConsolesWhileKafkaIsDown() throws Exception {
    agent = running.startWithoutKafka();
    hostId = running.hostId();
    channel.shutdownNow();
    consoles.shutdownNow();
    channel = running.engineChannel();
    consoles = running.proxyChannel();
    long start = System.nanoTime();
    openConsoleAndLogIn("session-" + UUID.randomUUID());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    start = System.nanoTime();
    running.stop();
    agent = null;
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("shutdown without Kafka")
        .isLessThan(Duration.ofSeconds(15));
  }
}
