package org.porthole.engine.it;

import com.google.protobuf.MessageLite;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.kafka.KafkaClientSettings;

/**
 * Produces events to the real broker as a host agent does: to the topic of the host the event names
 * (created on first use, as the agent's topic bootstrap does), acks=all, idempotent, keyed by VM or
 * host. It signs in as the broker's super user, so a test can also put an event where no host agent
 * could ({@link #sendAs}: the forgeries the engine must ignore).
 */
public final class EventSender implements AutoCloseable {

  private final KafkaClientSettings admin;
  private final KafkaProducer<String, byte[]> producer;
  private final Set<String> created = ConcurrentHashMap.newKeySet();

  public EventSender() {
    admin = StackResource.kafka().admin();
    Map<String, Object> p = admin.clientProperties("engine-it-events");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The topic of {@code stream} of host {@code hostId}. */
  public static String topic(String hostId, EventTopics.Stream stream) {
    return EventTopics.hostTopic(hostId, stream);
  }

  /** A heartbeat from {@code hostId} sent now. */
  public String heartbeat(String hostId, String bootId, int timeoutSeconds) {
    return heartbeatAt(hostId, bootId, timeoutSeconds, System.currentTimeMillis());
  }

  public String heartbeatAt(String hostId, String bootId, int timeoutSeconds, long epochMillis) {
    HostEvent event =
        HostEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setHostId(hostId)
            .setKind(HostEventKind.HOST_EVENT_KIND_HEARTBEAT)
            .setAgentVersion("0.1.0-test")
            .addApiVersions("porthole.hostagent.v1")
            .setOccurredAtEpochMs(epochMillis)
            .setHeartbeatTimeoutSeconds(timeoutSeconds)
            .setBootId(bootId)
            .build();
    send(event);
    return event.getEventId();
  }

  public void goodbye(String hostId, String bootId) {
    send(
        HostEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setHostId(hostId)
            .setKind(HostEventKind.HOST_EVENT_KIND_GOODBYE)
            .setBootId(bootId)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .build());
  }

  /** A graphics event for a session; returns the event (so a test can send it again). */
  public GraphicsEvent graphics(UUID vmId, String hostId, UUID sessionId, GraphicsPhase phase) {
    GraphicsEvent event =
        GraphicsEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vmId.toString())
            .setHostId(hostId)
            .setSessionId(sessionId.toString())
            .setPhase(phase)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setAuthScheme("vnc")
            .setClientAddress("127.0.0.1:50000")
            .build();
    send(event);
    return event;
  }

  /**
   * A graphics event of a VNC client that did not come through a Porthole relay (no session id).
   */
  public GraphicsEvent directGraphics(UUID vmId, String hostId, GraphicsPhase phase) {
    GraphicsEvent event =
        GraphicsEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vmId.toString())
            .setHostId(hostId)
            .setPhase(phase)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setAuthScheme("vnc")
            .setClientAddress("192.0.2.7:41000")
            .build();
    send(event);
    return event;
  }

  /** Sends an event as the host it names would: to that host's topic of its stream. */
  public void send(MessageLite event) {
    sendAs(hostOf(event), event);
  }

  /** Sends an event on the topics of host {@code fromHostId}, whatever host the event names. */
  public void sendAs(String fromHostId, MessageLite event) {
    sendRaw(topic(fromHostId, streamOf(event)), keyOf(event), event.toByteArray());
  }

  public void sendRaw(String topic, String key, byte[] value) {
    ensureTopic(topic);
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not send to " + topic + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the topic, and for a host's topic all four of that host, as the agent does at its
   * start.
   */
  private void ensureTopic(String topic) {
    if (created.contains(topic)) {
      return;
    }
    List<String> topics =
        EventTopics.parse(topic)
            .map(host -> Arrays.stream(EventTopics.Stream.values()).map(host::sibling).toList())
            .orElse(List.of(topic));
    try (Admin a = Admin.create(admin.clientProperties("engine-it-topics"))) {
      for (String name : topics) {
        create(a, name);
      }
    }
    created.addAll(topics);
  }

  private static void create(Admin a, String topic) {
    try {
      a.createTopics(List.of(new NewTopic(topic, EventTopics.PARTITIONS, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create " + topic + ": " + e.getMessage(), e);
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("could not create " + topic + ": " + e.getMessage(), e);
    }
  }

  private static EventTopics.Stream streamOf(MessageLite event) {
    if (event instanceof GraphicsEvent) {
      return EventTopics.Stream.GRAPHICS;
    }
    if (event instanceof LifecycleEvent) {
      return EventTopics.Stream.LIFECYCLE;
    }
    if (event instanceof HostEvent) {
      return EventTopics.Stream.HOSTS;
    }
    if (event instanceof GuestEvent) {
      return EventTopics.Stream.GUESTS;
    }
    throw new IllegalArgumentException("not a host event: " + event.getClass());
  }

  private static String hostOf(MessageLite event) {
    String host =
        switch (streamOf(event)) {
          case GRAPHICS -> ((GraphicsEvent) event).getHostId();
          case LIFECYCLE -> ((LifecycleEvent) event).getHostId();
          case HOSTS -> ((HostEvent) event).getHostId();
          case GUESTS -> ((GuestEvent) event).getHostId();
        };
    if (host.isEmpty()) {
      throw new IllegalArgumentException("the event names no host; use sendAs(host, event)");
    }
    return host;
  }

  private static String keyOf(MessageLite event) {
    return switch (streamOf(event)) {
      case GRAPHICS -> ((GraphicsEvent) event).getVmUuid();
      case LIFECYCLE -> ((LifecycleEvent) event).getVmUuid();
      case HOSTS -> ((HostEvent) event).getHostId();
      case GUESTS -> ((GuestEvent) event).getVmUuid();
    };
  }

  @Override
  public void close() {
    producer.close();
  }
}
