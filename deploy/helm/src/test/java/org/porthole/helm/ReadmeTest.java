package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's values table and values.yaml agree: every value is documented (itself or a map that
 * holds it), and every documented key exists. A row may name several keys of one parent: {@code
 * `engine.ports.http` / `.https`}.
 */
class ReadmeTest {

  private static final Pattern KEY =
      Pattern.compile("`(\\.?[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z0-9]+)*)`");

  @Test
  void valuesTableDocumentsEveryValueAndNothingElse() throws IOException {
    Set<String> documented = documentedKeys();
    Set<String> values = new TreeSet<>();
    collect(Chart.parse(Chart.dir().resolve("values.yaml")), "", values);

    List<String> undocumented = new ArrayList<>();
    for (String value : values) {
      if (!documentedOrAncestor(value, documented)) {
        undocumented.add(value);
      }
    }
    assertThat(undocumented).as("values missing from README.md's table").isEmpty();
    List<String> unknown = new ArrayList<>();
    for (String key : documented) {
      if (values.stream().noneMatch(v -> v.equals(key) || v.startsWith(key + "."))) {
        unknown.add(key);
      }
    }
    assertThat(unknown).as("README.md documents keys values.yaml lacks").isEmpty();
  }

  private static Set<String> documentedKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(Chart.dir().resolve("README.md"))) {
      if (line.startsWith("## ")) {
        inTable = line.equals("## Values");
      }
      if (!inTable || !line.startsWith("| `")) {
        continue;
      }
      String cell = line.substring(2, line.indexOf(" |", 2));
      Matcher matcher = KEY.matcher(cell);
      String parent = "";
      while (matcher.find()) {
        String key = matcher.group(1);
        if (key.startsWith(".")) {
          keys.add(parent + key);
        } else {
          keys.add(key);
          parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
        }
      }
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static void collect(Map<String, Object> map, String prefix, Set<String> out) {
    map.forEach(
        (key, value) -> {
          String path = prefix + key;
          if (value instanceof Map && !((Map<String, Object>) value).isEmpty()) {
            collect((Map<String, Object>) value, path + ".", out);
          } else {
            out.add(path);
          }
        });
  }

  private static boolean documentedOrAncestor(String path, Set<String> documented) {
    for (String candidate = path;
        ;
        candidate = candidate.substring(0, candidate.lastIndexOf('.'))) {
      if (documented.contains(candidate)) {
        return true;
      }
      if (!candidate.contains(".")) {
        return false;
      }
    }
  }
}
