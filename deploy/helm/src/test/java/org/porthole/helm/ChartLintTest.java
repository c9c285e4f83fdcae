package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code helm lint --strict} of the chart with each value set, in Helm 3 (helm-java) and Helm 4.
 * helm-java's lint takes no values file, so Helm 3 lints a copy of the chart whose values.yaml is
 * the defaults merged with the set, as {@code helm lint -f} would merge them.
 */
class ChartLintTest {

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void helm3LintsStrictlyClean(String valueSet) {
    Path copy = copyWithValues(valueSet);
    LintResult result = new Helm(copy).lint().strict().call();
    assertThat(result.getMessages())
        .as("helm 3 lint --strict -f %s", valueSet)
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void helm4LintsStrictlyClean(String valueSet) {
    Tools.Run run =
        Tools.helm4(
            "lint", "--strict", Chart.dir().toString(), "-f", Chart.valueSet(valueSet).toString());
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("0 chart(s) failed").doesNotContain("[WARNING]");
  }

  private static Path copyWithValues(String valueSet) {
    Path copy = Chart.workDir("lint").resolve(valueSet.replace(".yaml", "")).resolve("porthole");
    try {
      copyTree(Chart.dir(), copy);
      Map<String, Object> merged =
          merge(
              Chart.parse(Chart.dir().resolve("values.yaml")),
              Chart.parse(Chart.valueSet(valueSet)));
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(merged));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Helm's merge of a values file over the defaults: maps merge key by key, the rest replaces. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) -> {
          Object current = merged.get(key);
          if (current instanceof Map && value instanceof Map) {
            merged.put(key, merge((Map<String, Object>) current, (Map<String, Object>) value));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
