package org.porthole.bench.relay;

import java.util.List;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.backend.BackendProcess;
import org.porthole.bench.client.Route;
import org.porthole.bench.report.PathName;

/** Raw TCP straight to the backend: the bare wire every relay is compared with. */
public final class DirectPath implements RelayPath {
  private final BackendProcess backend;

  public DirectPath(BackendProcess backend) {
    this.backend = backend;
  }

  @Override
  public PathName name() {
    return PathName.DIRECT;
  }

  @Override
  public Route route(BackendMode mode) {
    return Route.tcp(backend.port(mode));
  }

  @Override
  public List<Long> relayProcesses() {
    return List.of();
  }

  @Override
  public void close() {
    // nothing started
  }
}
