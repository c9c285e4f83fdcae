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
 * Kills one of the stack's services (SIGKILL, as a crash) and starts it again with the same command
 * line, environment and directory, read from {@code /proc} before the kill. The new process runs
 * until the test JVM exits.
 */
public final class ServiceRestart {
  private static final Duration START = Duration.ofSeconds(60);

  private final String name;
  private final int port;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path cwd;

  private ServiceRestart(
      String name, int port, List<String> command, Map<String, String> env, Path cwd) {
    this.name = name;
    this.port = port;
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
    return kill("ws-proxy", "porthole-ws-proxy.jar", "PORTHOLE_PROXY_PORT", port).startAgain(log);
  }

  /** Kills the host agent serving gRPC on {@code port}; {@link #startAgain} brings it back. */
  public static ServiceRestart killHostAgent(int port) throws IOException, InterruptedException {
    return kill("host agent", "porthole-host-agent.jar", "PORTHOLE_AGENT_PORT", port);
  }

  /**
   * Kills the process running {@code jar} whose environment sets {@code portVariable} to {@code
   * port}, keeping what it takes to start it again.
   */
  private static ServiceRestart kill(String name, String jar, String portVariable, int port)
      throws IOException, InterruptedException {
    ProcessHandle service = find(name, jar, portVariable + "=" + port);
    Path proc = Path.of("/proc", Long.toString(service.pid()));
    List<String> command = split(Files.readAllBytes(proc.resolve("cmdline")));
    Map<String, String> env = new HashMap<>();
    for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
    service.destroyForcibly();
    try {
      service.onExit().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the " + name + " did not die", e);
    }
    return new ServiceRestart(name, port, command, env, cwd);
  }

  /**
   * Starts the killed service again logging to {@code log}; answers when it listens on its port,
   * with how long the new process took from its start to listening.
   */
  public Duration startAgain(Path log) throws IOException, InterruptedException {
    ProcessBuilder b =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    b.environment().clear();
    b.environment().putAll(env);
    Instant started = Instant.now();
    Process restarted = b.start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(restarted::destroy, "e2e-restarted-service-stop"));
    Instant deadline = Instant.now().plus(START);
    while (Instant.now().isBefore(deadline)) {
      try {
        new Socket("127.0.0.1", port).close();
        return Duration.between(started, Instant.now());
      } catch (IOException notYet) {
        if (!restarted.isAlive()) {
          throw new IOException("the restarted " + name + " exited: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    throw new IOException("the restarted " + name + " does not listen on " + port);
  }

  private static ProcessHandle find(String name, String jar, String envEntry) throws IOException {
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      String cmd = String.join(" ", p.info().arguments().orElse(new String[0]));
      if (!cmd.contains(jar)) {
        continue;
      }
      Path environ = Path.of("/proc", Long.toString(p.pid()), "environ");
      try {
        if (split(Files.readAllBytes(environ)).contains(envEntry)) {
          return p;
        }
      } catch (IOException gone) {
        // not ours or already gone
      }
    }
    throw new IOException("no " + name + " process runs with " + envEntry);
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
