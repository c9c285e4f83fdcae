package org.porthole.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed access to {@code porthole.*} configuration. Each service reads the same keys the same way:
 * system properties first, then environment variables ({@code porthole.proxy.allowed-origins} ⇔
 * {@code PORTHOLE_PROXY_ALLOWED_ORIGINS}), then the default given by the caller. A value that is
 * set but unusable fails fast with a {@link ConfigException} naming the key and the value, instead
 * of being silently replaced by the default. Blank values count as unset. Values are read at call
 * time; instances are immutable and safe to share between threads.
 */
public final class Settings {

  private static final String MASK = "***";
  private static final List<String> SECRET_WORDS = List.of("password", "secret", "key", "token");

  private final Function<String, String> source;

  private Settings(Function<String, String> source) {
    this.source = source;
  }

  /** Settings from system properties, then environment variables. */
  public static Settings fromEnvironment() {
    return new Settings(
        key -> {
          String property = System.getProperty(key);
          if (property != null && !property.isBlank()) {
            return property;
          }
          return System.getenv(environmentName(key));
        });
  }

  /** Settings from a fixed map (tests, embedded launchers); keys are the dotted names. */
  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new Settings(copy::get);
  }

  /** The environment variable name of a key: dots and dashes become underscores, upper case. */
  public static String environmentName(String key) {
    return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The trimmed value of {@code key}, or empty when unset or blank. */
  public Optional<String> find(String key) {
    Objects.requireNonNull(key, "key");
    String value = source.apply(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  /** The value of {@code key}, or {@code defaultValue} when unset. */
  public String get(String key, String defaultValue) {
    return find(key).orElse(defaultValue);
  }

  /**
   * An integer in {@code [min, max]}.
   *
   * @throws ConfigException when the value is not an integer or out of range
   */
  public int getInt(String key, int defaultValue, int min, int max) {
    Optional<String> raw = find(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long value = parseLong(key, raw.get());
    if (value < min || value > max) {
      throw invalid(key, raw.get(), "must be between " + min + " and " + max);
    }
    return (int) value;
  }

  /**
   * A duration given in whole seconds, in {@code [min, max]} seconds.
   *
   * @throws ConfigException when the value is not an integer or out of range
   */
  public Duration getSeconds(String key, long defaultSeconds, long min, long max) {
    Optional<String> raw = find(key);
    if (raw.isEmpty()) {
      return Duration.ofSeconds(defaultSeconds);
    }
    long value = parseLong(key, raw.get());
    if (value < min || value > max) {
      throw invalid(key, raw.get(), "must be between " + min + " and " + max + " seconds");
    }
    return Duration.ofSeconds(value);
  }

  /** A comma-separated list; items are trimmed and empty items dropped. */
  public List<String> getList(String key, String defaultCsv) {
    String csv = get(key, defaultCsv == null ? "" : defaultCsv);
    List<String> items = new ArrayList<>();
    for (String item : csv.split(",", -1)) {
      String trimmed = item.trim();
      if (!trimmed.isEmpty()) {
        items.add(trimmed);
      }
    }
    return List.copyOf(items);
  }

  /**
   * A file system path; a leading {@code ~} is the user's home directory.
   *
   * @throws ConfigException when the value is not a valid path
   */
  public Path getPath(String key, Path defaultPath) {
    Optional<String> raw = find(key);
    if (raw.isEmpty()) {
      return defaultPath;
    }
    try {
      return Path.of(expandHome(raw.get()));
    } catch (InvalidPathException e) {
      throw invalid(key, raw.get(), "is not a valid path");
    }
  }

  /**
   * The file {@code key} names, read by {@code reader}; empty when the key is unset. A file the
   * reader refuses ({@link IllegalArgumentException}) stops the caller with a {@link
   * ConfigException} naming the key, its environment variable, the path and the reader's reason.
   */
  public <T> Optional<T> readFile(String key, Function<Path, T> reader) {
    Path path = getPath(key, null);
    if (path == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(reader.apply(path));
    } catch (IllegalArgumentException e) {
      throw invalid(key, path.toString(), "refused: " + e.getMessage());
    }
  }

  /** Expands a leading {@code ~} or {@code ~/} to the user's home directory. */
  public static String expandHome(String path) {
    if (path.equals("~")) {
      return System.getProperty("user.home");
    }
    if (path.startsWith("~/")) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }

  private static long parseLong(String key, String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw invalid(key, raw, "is not an integer");
    }
  }

  private static ConfigException invalid(String key, String raw, String problem) {
    return new ConfigException(
        key,
        "configuration "
            + key
            + " (env "
            + environmentName(key)
            + ") = '"
            + masked(key, raw)
            + "' "
            + problem);
  }

  /** The value as it may appear in a message: {@code ***} for keys that hold secrets. */
  static String masked(String key, String value) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (lower.contains(word)) {
        return MASK;
      }
    }
    return value;
  }
}
