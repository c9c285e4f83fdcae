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
 * Kills the stack's ws-proxy (SIGKILL, as a crash) and starts it again at once with the same
 * command line, environment and directory, read from {@code /proc}. The new proxy runs until the
 * test JVM exits.
 */
public final class ProxyRestart {
  private static final Duration START = Duration.ofSeconds(60);

  private ProxyRestart() {}

  /**
   * Kills the ws-proxy listening on {@code port} and starts a new one logging to {@code log};
   * answers when it listens, with how long the new process took from its start to listening.
   */
  public static Duration killAndRestart(int port, Path log)
      throws IOException, InterruptedException {
    ProcessHandle proxy = find(port);
    Path proc = Path.of("/proc", Long.toString(proxy.pid()));
    List<String> command = split(Files.readAllBytes(proc.resolve("cmdline")));
    Map<String, String> env = new HashMap<>();
    for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
    proxy.destroyForcibly();
    try {
      proxy.onExit().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the ws-proxy did not die", e);
    }
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
        .addShutdownHook(new Thread(restarted::destroy, "e2e-restarted-proxy-stop"));
    Instant deadline = Instant.now().plus(START);
    while (Instant.now().isBefore(deadline)) {
      try {
        new Socket("127.0.0.1", port).close();
        return Duration.between(started, Instant.now());
      } catch (IOException notYet) {
        if (!restarted.isAlive()) {
          throw new IOException("the restarted ws-proxy exited: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    throw new IOException("the restarted ws-proxy does not listen on " + port);
  }

  private static ProcessHandle find(int port) throws IOException {
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      String cmd = String.join(" ", p.info().arguments().orElse(new String[0]));
      if (!cmd.contains("porthole-ws-proxy.jar")) {
        continue;
      }
      Path environ = Path.of("/proc", Long.toString(p.pid()), "environ");
      try {
        if (split(Files.readAllBytes(environ)).contains("PORTHOLE_PROXY_PORT=" + port)) {
          return p;
        }
      } catch (IOException gone) {
        // not ours or already gone
      }
    }
    throw new IOException("no ws-proxy process listens on port " + port);
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
