package org.porthole.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One of the stack's service processes, found by its jar and port, with what it takes to start it
 * again (command line, environment, directory, read from {@code /proc}): to kill it (SIGKILL, as a
 * crash) and start it again, or to start a second copy of it. Processes started here run until the
 * test stops them or the test JVM exits.
 */
public final class StackProcess {
  /** As long as the stack gives its services (LocalStack's SERVICE_START): a loaded machine. */
  private static final Duration START = Duration.ofSeconds(120);

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final String name;
  private final int port;
  private final ProcessHandle process;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path cwd;

  private StackProcess(
      String name,
      int port,
      ProcessHandle process,
      List<String> command,
      Map<String, String> env,
      Path cwd) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.command = command;
    this.env = env;
    this.cwd = cwd;
  }

  /**
   * Kills the ws-proxy listening on {@code port} and starts a new one logging to {@code log};
   * answers when it listens, with how long the new process took from its start to listening.
   */
  public static Duration killAndRestartWsProxy(int port, Path log)
      throws IOException, InterruptedException {
    StackProcess proxy = find("ws-proxy", "porthole-ws-proxy.jar", "PORTHOLE_PROXY_PORT", port);
    proxy.kill();
    return proxy.startAgain(log);
  }

  /** The host agent serving gRPC on {@code port}. */
  public static StackProcess hostAgent(int port) throws IOException {
    return find("host agent", "porthole-host-agent.jar", "PORTHOLE_AGENT_PORT", port);
  }

  /** The engine serving HTTP on {@code port}. */
  public static StackProcess engine(int port) throws IOException {
    return find("engine", "quarkus-run.jar", "QUARKUS_HTTP_PORT", port);
  }

  /** Kills the process (SIGKILL) and waits for it to be gone. */
  public void kill() throws IOException, InterruptedException {
    process.destroyForcibly();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the " + name + " did not die", e);
    }
  }

  /**
   * Starts the killed service again logging to {@code log}; answers when it listens on its port,
   * with how long the new process took from its start to listening.
   */
  public Duration startAgain(Path log) throws IOException, InterruptedException {
    Instant started = Instant.now();
    start(Map.of(), port, log);
    return Duration.between(started, Instant.now());
  }

  /**
   * Starts another process like this one, its environment changed by {@code overrides}, logging to
   * {@code log}; returns it once it listens on {@code listenPort}.
   */
  public Process startCopy(Map<String, String> overrides, int listenPort, Path log)
      throws IOException, InterruptedException {
    return start(overrides, listenPort, log);
  }

  private Process start(Map<String, String> overrides, int listenPort, Path log)
      throws IOException, InterruptedException {
    ProcessBuilder b =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    b.environment().clear();
    b.environment().putAll(env);
    b.environment().putAll(overrides);
    Process started = b.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "e2e-stack-process-stop"));
    Instant deadline = Instant.now().plus(START);
    while (Instant.now().isBefore(deadline)) {
      try {
        new Socket("127.0.0.1", listenPort).close();
        return started;
      } catch (IOException notYet) {
        if (!started.isAlive()) {
          throw new IOException("the started " + name + " exited: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    stop(started);
    throw new IOException("the started " + name + " does not listen on " + listenPort);
  }

  /** Stops a process started here: SIGTERM, then SIGKILL if it is still there after a grace. */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static StackProcess find(String name, String jar, String portVariable, int port)
      throws IOException {
    String entry = portVariable + "=" + port;
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      String cmd = String.join(" ", p.info().arguments().orElse(new String[0]));
      if (!cmd.contains(jar)) {
        continue;
      }
      Path proc = Path.of("/proc", Long.toString(p.pid()));
      try {
        List<String> environ = split(Files.readAllBytes(proc.resolve("environ")));
        if (environ.contains(entry)) {
          return new StackProcess(
              name,
              port,
              p,
              split(Files.readAllBytes(proc.resolve("cmdline"))),
              asMap(environ),
              Files.readSymbolicLink(proc.resolve("cwd")));
        }
      } catch (IOException gone) {
        // not ours or already gone
      }
    }
    throw new IOException("no " + name + " process runs with " + entry);
  }

  private static Map<String, String> asMap(List<String> entries) {
    Map<String, String> env = new HashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  private static List<String> split(byte[] nulSeparated) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < nulSeparated.length; i++) {
      if (nulSeparated[i] == 0) {
        parts.add(new String(nulSeparated, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < nulSeparated.length) {
      parts.add(
          new String(nulSeparated, start, nulSeparated.length - start, StandardCharsets.UTF_8));
    }
    return parts;
  }
}
