package org.porthole.e2e.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Kafka partitions an engine replica reads, from its log: it logs each change of its share as
 * {@code partitions read by this replica: +[…] -[…]} (EventConsumer), replayed here in order.
 */
final class ReplicaPartitions {
  private static final Pattern CHANGE =
      Pattern.compile("partitions read by this replica: \\+\\[([^\\]]*)\\] -\\[([^\\]]*)\\]");

  private ReplicaPartitions() {}

  /** The partitions ({@code topic-partition}) the replica logging to {@code log} reads now. */
  static Set<String> of(Path log) throws IOException {
    Set<String> owned = new HashSet<>();
    if (!Files.exists(log)) {
      return owned;
    }
    Matcher m = CHANGE.matcher(Files.readString(log));
    while (m.find()) {
      owned.addAll(names(m.group(1)));
      owned.removeAll(names(m.group(2)));
    }
    return owned;
  }

  private static Set<String> names(String list) {
    Set<String> names = new HashSet<>();
    Arrays.stream(list.split(",")).map(String::trim).filter(n -> !n.isEmpty()).forEach(names::add);
    return names;
  }
}
