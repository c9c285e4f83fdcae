package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.status.PortholeStatus;

/**
 * What an outage's reconciliation expires, with the lost → lifecycle event → restored races driven
 * in order on the test thread (the listing, the guest channels and the tickets are fakes).
 */
class RunningDomainsReconciliationTest {
  private static final String OLD = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String NEW = "1c3d9b5f-4a7e-4d2b-8f8c-6e3a2b1d0f9c";
  private static final long WAIT_SECONDS = 30;

  private final List<String> expired = new CopyOnWriteArrayList<>();
  private final List<String> markers = new ArrayList<>();
  private final GraphicsTickets tickets =
      new GraphicsTickets() {
        @Override
        public Instant set(String vmUuid, String password, int validSeconds) {
          throw new AssertionError("a reconciliation sets no password");
        }

        @Override
        public void expire(String vmUuid) {
          expired.add(vmUuid);
        }
      };
  private final PasswordTurns turns = new PasswordTurns(tickets);
  private final List<List<String>> followed = new CopyOnWriteArrayList<>();
  private volatile Map<Integer, String> running = Map.of(1, OLD);
  private volatile boolean listingFails;
  private final AtomicInteger relearned = new AtomicInteger();
  private final RunningDomainsReconciliation reconcile =
      new RunningDomainsReconciliation(
          this::list, followed::add, turns, relearned::incrementAndGet);

  private Map<Integer, String> list() throws AgentException {
    if (listingFails) {
      throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, "connection lost");
    }
    return running;
  }

  @AfterEach
  void stop() {
    turns.close();
  }

  /**
   * The expiries the reconciliations made: read after one more expiry of each VM (its marker) ran,
   * which waits behind every expiry queued before it for that VM; the markers are left out.
   */
  private List<String> expiriesSettled() throws Exception {
    turns.expire(OLD).get(WAIT_SECONDS, TimeUnit.SECONDS);
    turns.expire(NEW).get(WAIT_SECONDS, TimeUnit.SECONDS);
    markers.add(OLD);
    markers.add(NEW);
    List<String> made = new ArrayList<>(expired);
    markers.forEach(made::remove);
    return made.stream().sorted().toList();
  }

  private void started(String vm) {
    reconcile.onLifecycle(new LifecycleSignal(vm, "vm", "STARTED", "BOOTED", Instant.now()));
  }

  @Test
  void domainStartedDuringOutageLosesItsPasswordEvenWhenAnEventListedItFirst() throws Exception {
    reconcile.restored();
    assertThat(expiriesSettled()).isEmpty();

    reconcile.lost();
    running = Map.of(1, OLD, 2, NEW);
    // The events are registered again before the reconciliation runs: one is handled in between
    // and lists the domains on the new connection, the new domain among them.
    started(OLD);
    reconcile.restored();

    assertThat(expiriesSettled()).containsExactly(NEW);
    assertThat(followed.get(followed.size() - 1)).containsExactlyInAnyOrder(OLD, NEW);
  }

  @Test
  void aFailedRestoreKeepsTheBaselineOfTheFirstLoss() throws Exception {
    reconcile.restored();
    reconcile.lost();
    running = Map.of(1, OLD, 2, NEW);
    listingFails = true;
    assertThatThrownBy(reconcile::restored).isInstanceOf(AgentException.class);
    listingFails = false;
    started(NEW);
    reconcile.lost();
    reconcile.restored();

    assertThat(expiriesSettled()).containsExactly(NEW);
  }

  @Test
  void domainRestartedDuringOutageCountsAsStarted() throws Exception {
    reconcile.restored();
    reconcile.lost();
    running = Map.of(3, OLD);
    reconcile.restored();

    assertThat(expiriesSettled()).containsExactly(OLD);
  }

  @Test
  void eventsBetweenOutagesMoveTheBaseline() throws Exception {
    reconcile.restored();
    running = Map.of(1, OLD, 2, NEW);
    started(NEW);
    reconcile.lost();
    reconcile.restored();

    assertThat(expiriesSettled()).isEmpty();
  }

  @Test
  void theEngineIsAskedToRelearnAfterEachOutageNotAtStart() throws Exception {
    reconcile.restored();
    assertThat(relearned).as("after the start's scan").hasValue(0);

    reconcile.lost();
    listingFails = true;
    assertThatThrownBy(reconcile::restored).isInstanceOf(AgentException.class);
    assertThat(relearned).as("after a failed reconciliation").hasValue(0);
    listingFails = false;
    reconcile.restored();
    assertThat(relearned).as("after the outage was reconciled").hasValue(1);

    reconcile.lost();
    reconcile.restored();
    assertThat(relearned).as("after a second outage").hasValue(2);
  }
}
