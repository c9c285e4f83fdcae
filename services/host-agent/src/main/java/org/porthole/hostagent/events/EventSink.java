package org.porthole.hostagent.events;

import com.google.protobuf.MessageLite;

/** Where the agent's events go; {@link KafkaEventPublisher} in production. Never blocks. */
public interface EventSink {

  /** Queues one event for {@code topic}, keyed so that one VM's (or host's) events stay ordered. */
  void publish(String topic, String key, MessageLite value);
}
