package org.porthole.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.porthole.bench.report.PathName;

class BenchOptionsTest {
  private static final Path REPO = Path.of("/repo");

  @Test
  void defaultsToAFullRunOfAllThreePaths() {
    BenchOptions o = BenchOptions.parse(new String[0], REPO);
    assertThat(o.quick()).isFalse();
    assertThat(o.paths()).containsExactly(PathName.DIRECT, PathName.WEBSOCKIFY, PathName.PORTHOLE);
    assertThat(o.doc()).isEmpty();
    assertThat(o.plan().idleLevels()).containsExactly(1_000, 5_000, 10_000);
    assertThat(o.plan().measure().toSeconds()).isEqualTo(10);
  }

  @Test
  void quickRunsShortPhasesWithAHundredIdleConsoles() {
    BenchOptions o =
        BenchOptions.parse(
            new String[] {"--quick", "--paths", "direct,porthole", "--doc", "x.md"}, REPO);
    assertThat(o.plan().idleLevels()).containsExactly(100);
    assertThat(o.plan().measure().toSeconds()).isEqualTo(2);
    assertThat(o.paths()).containsExactly(PathName.DIRECT, PathName.PORTHOLE);
    assertThat(o.doc()).contains(Path.of("x.md"));
  }

  @Test
  void tokensRunsAloneOrNotAtAll() {
    assertThat(BenchOptions.parse(new String[] {"--tokens"}, REPO).tokens()).isTrue();
    assertThat(BenchOptions.parse(new String[0], REPO).tokens()).isFalse();
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--tokens", "--quick"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tokens runs alone");
  }

  @Test
  void soakRunsOnThePortholePathAloneWithItsDoc() {
    BenchOptions o = BenchOptions.parse(new String[] {"--soak", "--doc", "soak.md"}, REPO);
    assertThat(o.soak()).isTrue();
    assertThat(o.doc()).contains(Path.of("soak.md"));
    assertThat(BenchOptions.parse(new String[0], REPO).soak()).isFalse();
    for (String[] args : new String[][] {{"--soak", "--quick"}, {"--soak", "--paths", "direct"}}) {
      assertThatThrownBy(() -> BenchOptions.parse(args, REPO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--soak runs on the porthole path alone");
    }
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--soak", "--tokens"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tokens runs alone");
  }

  @Test
  void refusesUnknownArgumentsAndPaths() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--fast")
        .hasMessageContaining("usage");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--paths", "direct,nginx"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nginx");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--paths", "direct,,porthole"}, REPO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesDuplicatePathsAndMissingValues() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--paths", "direct,direct"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--doc"}, REPO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--doc needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--paths", "--quick"}, REPO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheOpenFileLimit() {
    String limits =
        "Limit                     Soft Limit           Hard Limit           Units\n"
            + "Max open files            20000                20000                files\n";
    assertThat(FileLimit.softLimit(limits)).isEqualTo(20_000);
    assertThat(
            FileLimit.softLimit(
                "Max open files            unlimited            unlimited            files\n"))
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> FileLimit.softLimit("Max processes 10 10\n"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesARunTheFileLimitCannotHold() {
    assertThatThrownBy(() -> FileLimit.require(Integer.MAX_VALUE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ulimit -n");
  }
}
