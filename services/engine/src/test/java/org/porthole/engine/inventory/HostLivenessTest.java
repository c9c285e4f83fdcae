package org.porthole.engine.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.events.EventConsumer;
import org.porthole.testsupport.clock.MutableClock;

/**
 * A host's silence is counted only while the engine could record its heartbeats: from the engine's
 * start, and again from the first check that reached the database after an outage.
 */
class HostLivenessTest {
  private final MutableClock clock = new MutableClock();
  private final List<Instant> sinceAsked = new ArrayList<>();
  private boolean databaseDown;
  private Instant kafkaConnectedSince = MutableClock.DEFAULT_START;

  private final Transactions transactions =
      new Transactions(null) {
        @Override
        public <T> T inTransaction(Work<T> work) throws SQLException {
          if (databaseDown) {
            throw new SQLException("Connection refused", "08001");
          }
          return work.run(null);
        }
      };

  private final EventConsumer events =
      new EventConsumer(null, null) {
        @Override
        public Instant connectedSince() {
          return kafkaConnectedSince;
        }
      };

  private final HostRepository hosts =
      new HostRepository() {
        @Override
        public List<String> markSilentHostsOffline(
            Connection connection, Instant now, Instant listeningSince) {
          sinceAsked.add(listeningSince);
          return List.of();
        }
      };

  @Test
  void silenceCountsFromTheEnginesStart() {
    Instant started = clock.instant();
    HostLiveness liveness = new HostLiveness(transactions, hosts, clock, events);
    clock.advance(Duration.ofSeconds(30));
    liveness.check();
    assertThat(sinceAsked).containsExactly(started);
  }

  @Test
  void heartbeatsMissedWhileKafkaWasUnreachableDoNotMakeAHostSilent() {
    HostLiveness liveness = new HostLiveness(transactions, hosts, clock, events);
    clock.advance(Duration.ofSeconds(5));
    kafkaConnectedSince = null;
    clock.advance(Duration.ofSeconds(20));
    liveness.check();
    clock.advance(Duration.ofSeconds(1));
    Instant reconnected = clock.instant();
    kafkaConnectedSince = reconnected;
    clock.advance(Duration.ofSeconds(2));
    liveness.check();
    assertThat(sinceAsked)
        .as("no silence counted while the consumer had no broker, then from its reconnection")
        .containsExactly(reconnected.minusSeconds(1), reconnected);
  }

  @Test
  void heartbeatsMissedWhileTheDatabaseWasDownDoNotMakeAHostSilent() {
    HostLiveness liveness = new HostLiveness(transactions, hosts, clock, events);
    databaseDown = true;
    clock.advance(Duration.ofSeconds(2));
    liveness.check();
    assertThat(liveness.listeningSince()).isNull();

    clock.advance(Duration.ofSeconds(20));
    databaseDown = false;
    Instant back = clock.instant();
    liveness.check();
    clock.advance(Duration.ofSeconds(2));
    liveness.check();
    assertThat(sinceAsked)
        .as("the checks after the outage count silence from the first one that got through")
        .containsExactly(back, back);
  }
}
