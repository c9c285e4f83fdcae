package org.porthole.testsupport.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text scrape read into samples, so a test can ask "what is {@code
 * porthole_relay_bytes_total{direction="to_vm"}}" without caring about label order or the other
 * labels (such as {@code service}).
 */
public final class MetricsScrape {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample line: name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final String text;

  private MetricsScrape(List<Sample> samples, String text) {
    this.samples = List.copyOf(samples);
    this.text = text;
  }

  /** Reads every sample line of {@code text}; comment lines are skipped. */
  public static MetricsScrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, number(m.group(3))));
    }
    return new MetricsScrape(samples, text);
  }

  /** Samples named {@code name} that carry every label of {@code labelPairs} (name, value...). */
  public List<Sample> find(String name, String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    List<Sample> found = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && carries(s, labelPairs)) {
        found.add(s);
      }
    }
    return found;
  }

  /**
   * The sum of the samples {@link #find} selects; fails when there is none, so a missing series is
   * not read as 0.
   */
  public double sum(String name, String... labelPairs) {
    List<Sample> found = find(name, labelPairs);
    if (found.isEmpty()) {
      throw new AssertionError(
          "no sample " + name + " " + List.of(labelPairs) + " in the scrape:\n" + text);
    }
    return found.stream().mapToDouble(Sample::value).sum();
  }

  /**
   * The sum of the samples {@link #find} selects, 0 when there is none: for a counter registered on
   * its first increment, read before and after.
   */
  public double sumOrZero(String name, String... labelPairs) {
    return find(name, labelPairs).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether there are samples and every one carries the label {@code name}={@code value}. */
  public boolean allLabelled(String name, String value) {
    return !samples.isEmpty() && samples.stream().allMatch(s -> value.equals(s.labels().get(name)));
  }

  /** Whether any sample is named {@code name}. */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** The scrape as it was read. */
  public String text() {
    return text;
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

  private static boolean carries(Sample s, String[] labelPairs) {
    for (int i = 0; i < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
