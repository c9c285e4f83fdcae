package org.porthole.hostagent.events;

import com.google.protobuf.MessageLite;
import org.porthole.api.events.v1.EventTopics;

/** Where the agent's events go; {@link KafkaEventPublisher} in production. Never blocks. */
public interface EventSink {

  /**
   * Queues one event for this host's topic of {@code stream}, keyed so that one VM's (or host's)
   * events stay ordered.
   */
  void publish(EventTopics.Stream stream, String key, MessageLite value);
}
