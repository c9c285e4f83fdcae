package org.porthole.kafka.refusal;

import org.porthole.api.events.v1.ConsoleRefusal;

/**
 * Where a service reports a console it refused (a bad token, a foreign Origin, a cap). Never blocks
 * and never throws: safe on an event loop. The publisher fills in the event id, time, source and
 * {@code suppressed}; the caller gives {@code status}, {@code reason}, {@code client_address} and,
 * when it read them, the token's claims.
 */
@FunctionalInterface
public interface RefusalSink {

  /** A sink that drops everything (benchmarks, services without Kafka). */
  RefusalSink NONE = refusal -> {};

  void refused(ConsoleRefusal refusal);

  /** A refusal without token claims: {@code status} is a status name of docs/contracts.md. */
  static ConsoleRefusal refusal(String status, String reason, String clientAddress) {
    return ConsoleRefusal.newBuilder()
        .setStatus(status)
        .setReason(reason)
        .setClientAddress(clientAddress == null ? "" : clientAddress)
        .build();
  }
}
