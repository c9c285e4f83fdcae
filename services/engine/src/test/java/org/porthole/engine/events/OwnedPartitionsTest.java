package org.porthole.engine.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OwnedPartitionsTest {
  private static final TopicPartition A0 = new TopicPartition("a", 0);
  private static final TopicPartition A1 = new TopicPartition("a", 1);
  private static final TopicPartition B0 = new TopicPartition("b", 0);

  private final OwnedPartitions owned = new OwnedPartitions();

  @Test
  void theFirstAssignmentIsAllNew() {
    OwnedPartitions.Change change = owned.assigned(List.of(A1, A0));

    assertThat(change.added()).containsExactly(A0, A1);
    assertThat(change.removed()).isEmpty();
    assertThat(owned.size()).isEqualTo(2);
  }

  @Test
  void anEagerRebalanceGivingTheSamePartitionsBackChangesNothing() {
    owned.assigned(List.of(A0, A1));
    owned.revoked(List.of(A0, A1));

    assertThat(owned.assigned(List.of(A0, A1)).isEmpty()).isTrue();
  }

  @Test
  void anEagerRebalanceNamesWhatCameAndWhatWent() {
    owned.assigned(List.of(A0, A1));
    owned.revoked(List.of(A0, A1));

    OwnedPartitions.Change change = owned.assigned(List.of(A1, B0));

    assertThat(change.added()).containsExactly(B0);
    assertThat(change.removed()).containsExactly(A0);
  }

  @Test
  void aCooperativeRebalanceAssignsOnlyTheNewOnes() {
    owned.assigned(List.of(A0));

    OwnedPartitions.Change change = owned.assigned(List.of(B0));

    assertThat(change.added()).containsExactly(B0);
    assertThat(change.removed()).isEmpty();
    assertThat(owned.size()).isEqualTo(2);
  }

  @Test
  void lostPartitionsLeaveWithTheNextAssignment() {
    owned.assigned(List.of(A0, A1));
    owned.revoked(List.of(A0, A1));

    OwnedPartitions.Change change = owned.assigned(List.of());

    assertThat(change.added()).isEmpty();
    assertThat(change.removed()).containsExactly(A0, A1);
    assertThat(owned.size()).isZero();
  }
}
