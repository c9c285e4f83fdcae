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
import org.porthole.testsupport.clock.MutableClock;

/**
 * A host's silence is counted only while the engine could record its heartbeats: from the engine's
 * start, and again from the first check that reached the database after an outage.
 */
class HostLivenessTest {
  private final MutableClock clock = new MutableClock();
  private final List<Instant> sinceAsked = new ArrayList<>();
  private boolean databaseDown;

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
    HostLiveness liveness = new HostLiveness(transactions, hosts, clock);
    clock.advance(Duration.ofSeconds(30));
    liveness.check();
    assertThat(sinceAsked).containsExactly(started);
  }

  @Test
  void heartbeatsMissedWhileTheDatabaseWasDownDoNotMakeAHostSilent() {
    HostLiveness liveness = new HostLiveness(transactions, hosts, clock);
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
