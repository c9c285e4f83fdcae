package org.porthole.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Every number of one benchmark run, by metric and path, plus free-text notes per path (idle levels
 * reached, failures). Written by the run's single controlling thread, read by the report.
 */
public final class Results {
  private final Map<Metric, Map<PathName, Double>> values = new EnumMap<>(Metric.class);
  private final Map<PathName, List<String>> notes = new EnumMap<>(PathName.class);

  /**
   * Records {@code value}; NaN and infinities are refused (a failed measurement is a note, not a
   * number).
   */
  public void put(Metric metric, PathName path, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          metric.label() + " for " + path.label() + " is not a number: " + value);
    }
    values.computeIfAbsent(metric, m -> new EnumMap<>(PathName.class)).put(path, value);
  }

  public OptionalDouble get(Metric metric, PathName path) {
    Double v = values.getOrDefault(metric, Map.of()).get(path);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** porthole / direct when both exist and direct is not zero. */
  public OptionalDouble ratioToDirect(Metric metric) {
    OptionalDouble p = get(metric, PathName.PORTHOLE);
    OptionalDouble d = get(metric, PathName.DIRECT);
    if (p.isEmpty() || d.isEmpty() || d.getAsDouble() == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(p.getAsDouble() / d.getAsDouble());
  }

  public void note(PathName path, String text) {
    notes.computeIfAbsent(path, p -> new ArrayList<>()).add(text);
  }

  public List<String> notes(PathName path) {
    return Collections.unmodifiableList(notes.getOrDefault(path, List.of()));
  }
}
