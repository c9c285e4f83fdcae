package org.porthole.bench.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.backend.BackendProcess;
import org.porthole.bench.client.Route;
import org.porthole.bench.report.PathName;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Ports;

/**
 * Debian's {@code /usr/bin/websockify}, one instance per backend mode, started exactly as {@code
 * websockify 127.0.0.1:P 127.0.0.1:BACKEND}; clients offer the {@code binary} subprotocol.
 */
public final class WebsockifyPath implements RelayPath {
  public static final Path BINARY = Path.of("/usr/bin/websockify");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Map<BackendMode, Integer> ports = new EnumMap<>(BackendMode.class);
  private final List<ChildProcess> processes = new ArrayList<>();

  private WebsockifyPath() {}

  /**
   * Starts the three instances; fails with a message saying how to install websockify when it is
   * absent.
   */
  public static WebsockifyPath start(BackendProcess backend, Path logDir) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY
              + " is missing: install Debian's websockify (apt-get install websockify)"
              + " or run ./porthole bench as root, which installs it");
    }
    WebsockifyPath path = new WebsockifyPath();
    try {
      for (BackendMode mode : BackendMode.values()) {
        int port = Ports.free();
        ChildProcess p =
            ChildProcess.start(
                "websockify-" + mode.name().toLowerCase(java.util.Locale.ROOT),
                List.of(BINARY.toString(), "127.0.0.1:" + port, "127.0.0.1:" + backend.port(mode)),
                Map.of(),
                logDir.resolve(
                    "websockify-" + mode.name().toLowerCase(java.util.Locale.ROOT) + ".log"));
        path.processes.add(p);
        path.ports.put(mode, port);
        Ports.await(port, START_TIMEOUT, p);
      }
      return path;
    } catch (IOException | RuntimeException e) {
      path.close();
      throw e;
    }
  }

  @Override
  public PathName name() {
    return PathName.WEBSOCKIFY;
  }

  @Override
  public Route route(BackendMode mode) {
    return Route.webSocket(ports.get(mode), "/", "http://127.0.0.1", () -> "binary");
  }

  @Override
  public List<Long> relayProcesses() {
    List<Long> pids = new ArrayList<>();
    processes.forEach(p -> pids.add(p.pid()));
    return pids;
  }

  @Override
  public void checkAlive() {
    processes.forEach(ChildProcess::checkAlive);
  }

  @Override
  public void close() {
    processes.forEach(ChildProcess::close);
  }
}
