package org.porthole.helm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects of one rendering, with typed paths into the untyped YAML maps. */
record Rendered(List<Map<String, Object>> objects) {

  static final List<String> WORKLOADS = List.of("Deployment", "DaemonSet");

  static Rendered parse(String yaml) {
    return new Rendered(Chart.parseAll(yaml));
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  List<Map<String, Object>> workloads() {
    return objects.stream().filter(o -> WORKLOADS.contains(o.get("kind"))).toList();
  }

  Map<String, Object> named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(name(o)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static String name(Map<String, Object> object) {
    return (String) map(object, "metadata").get("name");
  }

  static String id(Map<String, Object> object) {
    Object metadata = object.get("metadata");
    Object name = metadata instanceof Map ? ((Map<?, ?>) metadata).get("name") : "(unnamed)";
    return object.getOrDefault("kind", "(part)") + "/" + name;
  }

  /** The value at a dotted path of map keys, or an AssertionError naming the missing step. */
  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> object, String path) {
    Object current = object;
    for (String step : path.split("\\.")) {
      if (!(current instanceof Map)) {
        throw new AssertionError(id(object) + ": no " + path + " (stopped at " + step + ")");
      }
      current = ((Map<String, Object>) current).get(step);
    }
    if (current == null) {
      throw new AssertionError(id(object) + ": no " + path);
    }
    return (T) current;
  }

  static <T> Optional<T> find(Map<String, Object> object, String path) {
    try {
      return Optional.of(at(object, path));
    } catch (AssertionError e) {
      return Optional.empty();
    }
  }

  static Map<String, Object> map(Map<String, Object> object, String path) {
    return at(object, path);
  }

  static List<Map<String, Object>> list(Map<String, Object> object, String path) {
    return Rendered.<List<Map<String, Object>>>find(object, path).orElse(List.of());
  }

  static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(workload, "spec.template.spec");
  }

  static List<Map<String, Object>> containers(Map<String, Object> workload) {
    return list(podSpec(workload), "containers");
  }

  static Map<String, Object> podLabels(Map<String, Object> workload) {
    return map(workload, "spec.template.metadata.labels");
  }
}
