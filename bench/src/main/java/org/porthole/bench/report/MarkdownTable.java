package org.porthole.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Renders {@link Results} as the side-by-side Markdown table of issue 5. */
public final class MarkdownTable {
  static final String MISSING = "—";

  private MarkdownTable() {}

  /** One header, one row per metric, columns direct | websockify | porthole | porthole/direct. */
  public static String render(Results results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| metric | unit | direct | websockify | porthole | porthole/direct |\n");
    sb.append("|---|---|---:|---:|---:|---:|\n");
    for (Metric m : Metric.values()) {
      sb.append("| ").append(m.label()).append(" | ").append(m.unit());
      for (PathName p : PathName.values()) {
        sb.append(" | ").append(number(results.get(m, p)));
      }
      sb.append(" | ")
          .append(ratio(m.relayOnly() ? OptionalDouble.empty() : results.ratioToDirect(m)))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** Notes per path as a bullet list (empty when there are none). */
  public static String notes(Results results) {
    StringBuilder sb = new StringBuilder();
    for (PathName p : PathName.values()) {
      List<String> notes = results.notes(p);
      for (String n : notes) {
        sb.append("- ").append(p.label()).append(": ").append(n).append('\n');
      }
    }
    return sb.toString();
  }

  /** Three significant figures for small numbers, thousands separators for large ones. */
  static String number(OptionalDouble value) {
    if (value.isEmpty()) {
      return MISSING;
    }
    double v = value.getAsDouble();
    double abs = Math.abs(v);
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String ratio(OptionalDouble value) {
    return value.isEmpty() ? MISSING : String.format(Locale.ROOT, "%.2f×", value.getAsDouble());
  }
}
