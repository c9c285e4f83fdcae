package org.porthole.engine.it;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.MessageLite;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.engine.events.Topics;

/** Produces events to the real broker as a host agent does (acks=all, idempotent, keyed by VM or host). */
public final class EventSender implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public EventSender(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A heartbeat from {@code hostId} sent now. */
    public String heartbeat(String hostId, String bootId, int timeoutSeconds) {
        return heartbeatAt(hostId, bootId, timeoutSeconds, System.currentTimeMillis());
    }

    public String heartbeatAt(String hostId, String bootId, int timeoutSeconds, long epochMillis) {
        HostEvent event = HostEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setHostId(hostId)
                .setKind(HostEventKind.HOST_EVENT_KIND_HEARTBEAT).setAgentVersion("0.1.0-test")
                .addApiVersions("porthole.hostagent.v1").setOccurredAtEpochMs(epochMillis)
                .setHeartbeatTimeoutSeconds(timeoutSeconds).setBootId(bootId).build();
        send(Topics.HOSTS, hostId, event);
        return event.getEventId();
    }

    public void goodbye(String hostId, String bootId) {
        send(Topics.HOSTS, hostId, HostEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setHostId(hostId)
                .setKind(HostEventKind.HOST_EVENT_KIND_GOODBYE).setBootId(bootId)
                .setOccurredAtEpochMs(System.currentTimeMillis()).build());
    }

    /** A graphics event for a session; returns the event (so a test can send it again). */
    public GraphicsEvent graphics(UUID vmId, String hostId, UUID sessionId, GraphicsPhase phase) {
        GraphicsEvent event = GraphicsEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setVmUuid(vmId.toString()).setHostId(hostId).setSessionId(sessionId.toString()).setPhase(phase)
                .setOccurredAtEpochMs(System.currentTimeMillis()).setAuthScheme("vnc")
                .setClientAddress("127.0.0.1:50000").build();
        send(Topics.GRAPHICS, vmId.toString(), event);
        return event;
    }

    /** A graphics event of a VNC client that did not come through a Porthole relay (no session id). */
    public GraphicsEvent directGraphics(UUID vmId, String hostId, GraphicsPhase phase) {
        GraphicsEvent event = GraphicsEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setVmUuid(vmId.toString()).setHostId(hostId).setPhase(phase)
                .setOccurredAtEpochMs(System.currentTimeMillis()).setAuthScheme("vnc")
                .setClientAddress("192.0.2.7:41000").build();
        send(Topics.GRAPHICS, vmId.toString(), event);
        return event;
    }

    public void send(String topic, String key, MessageLite message) {
        sendRaw(topic, key, message.toByteArray());
    }

    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
