package org.porthole.engine.events;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this replica reads, followed through a rebalance listener's calls, and what each
 * assignment changed. Under the eager protocol a rebalance revokes every partition and assigns them
 * again: a partition given back is not new. Under the cooperative one only moved partitions are
 * revoked or assigned. Lost partitions count as revoked. Not thread-safe: the consumer thread calls
 * it inside {@code poll}.
 */
final class OwnedPartitions {

  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** What an assignment changed, each set in topic and partition order. */
  record Change(Set<TopicPartition> added, Set<TopicPartition> removed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }
  }

  private final Set<TopicPartition> owned = new HashSet<>();
  private final Set<TopicPartition> revoking = new HashSet<>();

  /**
   * Partitions revoked or lost; they leave only when the next assignment does not give them back.
   */
  void revoked(Collection<TopicPartition> partitions) {
    revoking.addAll(partitions);
  }

  /** Partitions assigned (all of them, or only the new ones under the cooperative protocol). */
  Change assigned(Collection<TopicPartition> partitions) {
    Set<TopicPartition> now = new HashSet<>(owned);
    now.removeAll(revoking);
    now.addAll(partitions);
    Set<TopicPartition> added = new TreeSet<>(ORDER);
    added.addAll(now);
    added.removeAll(owned);
    Set<TopicPartition> removed = new TreeSet<>(ORDER);
    removed.addAll(owned);
    removed.removeAll(now);
    owned.clear();
    owned.addAll(now);
    revoking.clear();
    return new Change(added, removed);
  }

  int size() {
    return owned.size();
  }
}
