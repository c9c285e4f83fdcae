package org.porthole.guestagent.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a system tool with a time limit: argument list straight to {@link ProcessBuilder}, no shell,
 * so nothing a peer sends can become shell syntax. Standard output is collected through a temporary
 * file (no pipe that could fill up and stall the tool) and capped.
 */
public interface ProcessRunner {
  /** Most output kept from one run. */
  int MAX_OUTPUT_BYTES = 64 * 1024;

  /** What one run gave: its exit code and the start of its standard output. */
  record Result(int exitCode, String stdout) {}

  /**
   * Runs {@code command} and waits at most {@code timeout}.
   *
   * @throws IOException when the tool cannot start, or did not end in time (it is killed)
   */
  Result run(List<String> command, Duration timeout) throws IOException;

  /** The runner that starts real processes. */
  static ProcessRunner system() {
    return (command, timeout) -> {
      Path output = Files.createTempFile("porthole-guest-", ".out");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        boolean done;
        try {
          done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          process.destroyForcibly();
          throw new IOException(command.get(0) + " interrupted", e);
        }
        if (!done) {
          process.destroyForcibly();
          throw new IOException(
              command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
        }
        byte[] bytes;
        try (var in = Files.newInputStream(output)) {
          bytes = in.readNBytes(MAX_OUTPUT_BYTES);
        }
        return new Result(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    };
  }
}
