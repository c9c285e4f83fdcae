package org.porthole.engine.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text answer, read by series name and labels: {@link #value} sums the
 * samples whose labels include the ones asked for (0 when none), so a test compares two scrapes.
 */
public final class Prometheus {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final String text;

  private Prometheus(List<Sample> samples, String text) {
    this.samples = samples;
    this.text = text;
  }

  /** Parses the text format; comment lines are skipped. */
  public static Prometheus parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new HashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, number(sample.group(3))));
    }
    return new Prometheus(List.copyOf(samples), text);
  }

  private static double number(String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(text);
    }
  }

  /** The sum of the samples of {@code name} that carry every label of {@code labels}. */
  public double value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** Whether any sample of {@code name} carries every label of {@code labels}. */
  public boolean has(String name, Map<String, String> labels) {
    return samples.stream()
        .anyMatch(
            s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()));
  }

  /** Every sample's labels include {@code name}={@code value}. */
  public boolean allLabelled(String name, String value) {
    return !samples.isEmpty() && samples.stream().allMatch(s -> value.equals(s.labels().get(name)));
  }

  /** The scraped text as it came. */
  public String text() {
    return text;
  }
}
