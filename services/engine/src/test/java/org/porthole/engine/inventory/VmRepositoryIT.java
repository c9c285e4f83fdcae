package org.porthole.engine.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.it.StackResource;

/**
 * An older view of a VM (a listing taken before an event, or a replayed event) never undoes a newer
 * one.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class VmRepositoryIT {

  private static final Instant T1 = Instant.parse("2025-05-01T10:00:00Z");
  private static final Instant T2 = T1.plusSeconds(5);
  private static final String HOST = "127.0.0.1:19443";

  @Inject Transactions transactions;

  @Inject VmRepository vms;

  private static Vm vm(UUID id, VmState state, Instant at) {
    return new Vm(id, HOST, "v", state, new VmGraphics("vnc", false, true), at);
  }

  @Test
  void olderListingDoesNotOverwriteANewerEvent() throws SQLException {
    UUID id = UUID.randomUUID();
    transactions.inTransaction(
        c -> {
          vms.upsert(c, vm(id, VmState.SHUTOFF, T2));
          vms.upsert(c, vm(id, VmState.RUNNING, T1));
          return null;
        });
    assertThat(find(id).orElseThrow().state()).isEqualTo(VmState.SHUTOFF);
  }

  @Test
  void olderLifecycleEventDoesNotOverwriteANewerState() throws SQLException {
    UUID id = UUID.randomUUID();
    boolean updated =
        transactions.inTransaction(
            c -> {
              vms.upsert(c, vm(id, VmState.RUNNING, T2));
              return vms.updateState(c, id, HOST, "", VmState.PAUSED, T1);
            });
    assertThat(updated).isFalse();
    assertThat(find(id).orElseThrow().state()).isEqualTo(VmState.RUNNING);
  }

  @Test
  void listingKeepsAVmAnEventAddedAfterTheSnapshot() throws SQLException {
    UUID listed = UUID.randomUUID();
    UUID addedLater = UUID.randomUUID();
    UUID gone = UUID.randomUUID();
    int deleted =
        transactions.inTransaction(
            c -> {
              vms.upsert(c, vm(gone, VmState.RUNNING, T1.minusSeconds(60)));
              vms.upsert(c, vm(addedLater, VmState.RUNNING, T2));
              vms.upsert(c, vm(listed, VmState.RUNNING, T1));
              return vms.deleteOthersOnHost(c, HOST, List.of(listed), T1);
            });
    assertThat(deleted).isEqualTo(1);
    assertThat(find(gone)).isEmpty();
    assertThat(find(addedLater)).isPresent();
    assertThat(find(listed)).isPresent();
  }

  @Test
  void undefineOlderThanTheLastEventKeepsTheVm() throws SQLException {
    UUID id = UUID.randomUUID();
    transactions.inTransaction(
        c -> {
          vms.upsert(c, vm(id, VmState.RUNNING, T2));
          vms.delete(c, id, T1);
          return null;
        });
    assertThat(find(id)).isPresent();
    transactions.inTransaction(
        c -> {
          vms.delete(c, id, T2);
          return null;
        });
    assertThat(find(id)).isEmpty();
  }

  private Optional<Vm> find(UUID id) throws SQLException {
    return transactions.read(c -> vms.find(c, id)).map(VmListing::vm);
  }
}
