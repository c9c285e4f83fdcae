package org.porthole.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {

  @Test
  void hasOneRowPerMetricAndTheFourColumns() {
    String table = MarkdownTable.render(new Results());
    String[] lines = table.split("\n");
    assertThat(lines).hasSize(2 + Metric.values().length);
    assertThat(lines[0])
        .isEqualTo("| metric | unit | direct | websockify | porthole | porthole/direct |");
    for (Metric m : Metric.values()) {
      assertThat(table).contains("| " + m.label() + " | " + m.unit() + " |");
    }
  }

  @Test
  void showsValuesAndTheRatioToDirect() {
    Results r = new Results();
    r.put(Metric.BULK_1, PathName.DIRECT, 2000);
    r.put(Metric.BULK_1, PathName.WEBSOCKIFY, 1200.4);
    r.put(Metric.BULK_1, PathName.PORTHOLE, 1500);
    String row = line(MarkdownTable.render(r), Metric.BULK_1);
    assertThat(row)
        .isEqualTo("| bulk server→client, 1 connection | MB/s | 2,000 | 1,200 | 1,500 | 0.75× |");
  }

  @Test
  void missingValuesAndRelayOnlyRatiosShowADash() {
    Results r = new Results();
    r.put(Metric.IDLE_MEMORY, PathName.PORTHOLE, 12.345);
    String row = line(MarkdownTable.render(r), Metric.IDLE_MEMORY);
    assertThat(row).endsWith("| — | — | 12.3 | — |");
  }

  @Test
  void zeroDirectGivesNoRatio() {
    Results r = new Results();
    r.put(Metric.BULK_16, PathName.DIRECT, 0);
    r.put(Metric.BULK_16, PathName.PORTHOLE, 5);
    assertThat(r.ratioToDirect(Metric.BULK_16)).isEmpty();
  }

  @Test
  void formatsSmallAndLargeNumbers() {
    assertThat(MarkdownTable.number(OptionalDouble.of(3.14159))).isEqualTo("3.14");
    assertThat(MarkdownTable.number(OptionalDouble.of(31.4159))).isEqualTo("31.4");
    assertThat(MarkdownTable.number(OptionalDouble.of(31415.9))).isEqualTo("31,416");
    assertThat(MarkdownTable.number(OptionalDouble.empty())).isEqualTo("—");
    assertThat(MarkdownTable.ratio(OptionalDouble.of(0.5))).isEqualTo("0.50×");
  }

  @Test
  void refusesNotANumber() {
    Results r = new Results();
    assertThatThrownBy(() -> r.put(Metric.BULK_1, PathName.DIRECT, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bulk");
    assertThatThrownBy(() -> r.put(Metric.BULK_1, PathName.DIRECT, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void notesAreListedPerPath() {
    Results r = new Results();
    r.note(PathName.WEBSOCKIFY, "idle 1,000 failed");
    assertThat(MarkdownTable.notes(r)).isEqualTo("- websockify: idle 1,000 failed\n");
  }

  private static String line(String table, Metric m) {
    for (String l : table.split("\n")) {
      if (l.startsWith("| " + m.label() + " |")) {
        return l;
      }
    }
    throw new AssertionError("no row for " + m);
  }
}
