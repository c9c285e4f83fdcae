package org.porthole.hostagent.events;

import java.util.List;

/** The Kafka topics the host agent produces to (docs/contracts.md). */
public final class Topics {
  public static final String GRAPHICS = "porthole.graphics.v1";
  public static final String LIFECYCLE = "porthole.lifecycle.v1";
  public static final String HOSTS = "porthole.hosts.v1";
  /** Guest agent state changes and disconnect action outcomes, keyed by VM UUID. */
  public static final String GUESTS = "porthole.guests.v1";
  public static final List<String> ALL = List.of(GRAPHICS, LIFECYCLE, HOSTS, GUESTS);

  /** Created when missing: 3 partitions, replication 1 (the one-machine stack). */
  public static final int PARTITIONS = 3;
  public static final short REPLICATION = 1;

  private Topics() {}
}
