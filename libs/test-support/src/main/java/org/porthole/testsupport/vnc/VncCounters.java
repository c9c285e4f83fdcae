package org.porthole.testsupport.vnc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What a {@link VncStandIn} counts, written by its selector thread, read by tests. */
final class VncCounters {
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger logins = new AtomicInteger();
  final AtomicInteger refusals = new AtomicInteger();
  final AtomicLong sourced = new AtomicLong();
  final AtomicInteger sharedInits = new AtomicInteger();
  final AtomicInteger exclusiveInits = new AtomicInteger();
}
