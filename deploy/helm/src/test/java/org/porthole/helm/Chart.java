package org.porthole.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart under test and its value sets, rendered with Helm 3 (helm-java) into plain objects. The
 * chart and work directories come from system properties the module's pom sets.
 */
final class Chart {

  static final String RELEASE = "demo";
  static final String NAMESPACE = "porthole";

  private Chart() {}

  static Path dir() {
    return Path.of(System.getProperty("porthole.chart.dir", "porthole")).toAbsolutePath();
  }

  static Path workDir(String name) {
    Path dir =
        Path.of(System.getProperty("porthole.chart.work-dir", "target/chart-test")).resolve(name);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every value set under ci/, by file name; the tests run once per set. */
  static List<String> valueSets() {
    try (Stream<Path> files = Files.list(dir().resolve("ci"))) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .sorted()
              .toList();
      if (names.isEmpty()) {
        throw new IllegalStateException("no value sets under " + dir().resolve("ci"));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path valueSet(String name) {
    return dir().resolve("ci").resolve(name);
  }

  /** {@code helm template} of a value set plus {@code --set} pairs; throws Helm's error. */
  static String template(String valueSet, Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(dir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withValuesFile(valueSet(valueSet));
    sets.forEach(command::set);
    return command.call();
  }

  static Rendered render(String valueSet) {
    return Rendered.parse(template(valueSet, Map.of()));
  }

  /** The documents of a multi-document YAML stream, empty ones dropped. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parseAll(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml(options).loadAll(yaml)) {
      if (document != null) {
        objects.add((Map<String, Object>) document);
      }
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(Path yamlFile) {
    try {
      Object loaded = new Yaml().load(Files.readString(yamlFile));
      return loaded == null ? Map.of() : (Map<String, Object>) loaded;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
