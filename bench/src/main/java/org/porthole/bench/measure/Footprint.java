package org.porthole.bench.measure;

import java.util.List;
import java.util.Locale;

/**
 * What relay processes hold at one moment: PSS, threads, open descriptors (sockets included) and
 * the Java heap in use. Read right after a full GC, the heap is the live data.
 */
public record Footprint(long pssKiB, int threads, int descriptors, long heapKiB) {

  /** The footprint of {@code pids} (JVMs) and their descendants now. */
  public static Footprint read(List<Long> pids) {
    return new Footprint(
        ProcStats.pssKiB(pids),
        ProcStats.threads(pids),
        ProcStats.descriptors(pids),
        JvmHeap.usedKiB(pids));
  }

  /** This footprint less {@code base}, field by field. */
  public Footprint minus(Footprint base) {
    return new Footprint(
        pssKiB - base.pssKiB,
        threads - base.threads,
        descriptors - base.descriptors,
        heapKiB - base.heapKiB);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "PSS %,d KiB, %d threads, %d descriptors, heap %,d KiB",
        pssKiB,
        threads,
        descriptors,
        heapKiB);
  }
}
