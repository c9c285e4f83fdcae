package org.porthole.bench.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The backend in its own JVM (same class path as the harness), so its CPU and memory are counted in
 * neither the clients nor the relays. It ends when this handle closes its stdin.
 */
public final class BackendProcess implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final Map<BackendMode, Integer> ports;

  private BackendProcess(Process process, Map<BackendMode, Integer> ports) {
    this.process = process;
    this.ports = ports;
  }

  /**
   * Starts the backend, logging its stderr to {@code log}; it exits by itself after {@code
   * maxSeconds}.
   */
  public static BackendProcess start(Path log, long maxSeconds) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                BackendMain.class.getName(),
                Long.toString(maxSeconds))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    try {
      String first = line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new BackendProcess(p, parsePorts(first));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while starting the backend", e);
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      p.destroyForcibly();
      throw new IOException(
          "the backend did not report its ports within "
              + START_TIMEOUT_SECONDS
              + " s (log: "
              + log
              + ")",
          e);
    }
  }

  /** Parses {@code ports source=S sink=K echo=E}. */
  static Map<BackendMode, Integer> parsePorts(String line) {
    if (line == null || !line.startsWith("ports ")) {
      throw new IllegalArgumentException("expected a ports line from the backend, got: " + line);
    }
    Map<BackendMode, Integer> result = new EnumMap<>(BackendMode.class);
    for (String part : line.substring(6).trim().split(" ")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("bad ports entry: " + part);
      }
      int port = Integer.parseInt(kv[1]);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      result.put(BackendMode.valueOf(kv[0].toUpperCase(java.util.Locale.ROOT)), port);
    }
    if (result.size() != BackendMode.values().length) {
      throw new IllegalArgumentException("ports line lacks a mode: " + line);
    }
    return result;
  }

  public int port(BackendMode mode) {
    return ports.get(mode);
  }

  public long pid() {
    return process.pid();
  }

  /** Which JVM options the backend runs with, for the report. */
  public static List<String> jvmOptions() {
    return List.of("-Xmx256m", "-XX:+UseSerialGC");
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
