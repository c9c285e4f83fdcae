package org.porthole.hostagent.events;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.porthole.api.events.v1.EventTopics;

/**
 * Announces the agent to the engine: a HEARTBEAT at start and every {@link #INTERVAL_SECONDS}, and
 * a GOODBYE on orderly shutdown. The engine treats the host as gone after {@code
 * heartbeat_timeout_seconds} without one.
 */
public final class HostHeartbeat implements AutoCloseable {
  public static final long INTERVAL_SECONDS = 5;

  private final EventSink sink;
  private final EventFactory factory;
  private final String hostId;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "host-heartbeat");
            t.setDaemon(true);
            return t;
          });

  private HostHeartbeat(EventSink sink, EventFactory factory, String hostId) {
    this.sink = sink;
    this.factory = factory;
    this.hostId = hostId;
  }

  /** Sends the first heartbeat now and then at a fixed rate. */
  public static HostHeartbeat start(EventSink sink, EventFactory factory, String hostId) {
    HostHeartbeat h = new HostHeartbeat(sink, factory, hostId);
    h.timer.scheduleAtFixedRate(
        () -> sink.publish(EventTopics.Stream.HOSTS, hostId, factory.heartbeat()),
        0,
        INTERVAL_SECONDS,
        TimeUnit.SECONDS);
    return h;
  }

  /** Stops the heartbeats and queues the GOODBYE. */
  @Override
  public void close() {
    timer.shutdownNow();
    sink.publish(EventTopics.Stream.HOSTS, hostId, factory.goodbye());
  }
}
