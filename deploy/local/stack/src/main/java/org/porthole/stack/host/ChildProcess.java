package org.porthole.stack.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process started by the stack, with its output appended to a log file. Stopping sends SIGTERM,
 * waits, then kills: nothing the stack started outlives it.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration KILL_WAIT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with extra environment, appending stdout and stderr to {@code log}. */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    return new ChildProcess(name, builder.start(), log);
  }

  /** Runs a command to completion; fails with its output when it exits non-zero. */
  public static String run(List<String> command, Duration timeout) throws IOException {
    return run(command, Map.of(), "", timeout);
  }

  /**
   * Runs a command to completion with extra environment and {@code input} on its stdin (how secrets
   * reach tools that prompt for them, never on a command line); fails with its output when it exits
   * non-zero. The input is never part of an error message.
   */
  public static String run(
      List<String> command, Map<String, String> env, String input, Duration timeout)
      throws IOException {
    // Output into a file, not a pipe read before waiting: a command that hangs with its output
    // open would otherwise hang here past the timeout.
    Path output = Files.createTempFile("porthole-run", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out after " + timeout);
      }
      String text = new String(Files.readAllBytes(output), java.nio.charset.StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Fails with the log's tail when the process has died. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; last log lines:\n" + tail(40));
    }
  }

  /** The last {@code lines} lines of the log, for error messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Kills the process and every process below it with SIGKILL, as a crash or an OOM kill would, and
   * waits until all of them are gone (a server's port and files are free again then).
   */
  public void kill() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing " + name, e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            name + ": process " + p.pid() + " survived SIGKILL for " + KILL_WAIT, e);
      }
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
