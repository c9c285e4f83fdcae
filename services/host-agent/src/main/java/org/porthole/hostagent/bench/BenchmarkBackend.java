package org.porthole.hostagent.bench;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.porthole.hostagent.relay.ConsoleTargets;

/**
 * Console routing in benchmark mode: every console whose token verified goes to the one TCP address
 * of {@code porthole.agent.console-backend} (a loopback server that speaks like VNC), whatever VM
 * the token names.
 */
public final class BenchmarkBackend implements ConsoleTargets {
  private final InetSocketAddress backend;

  public BenchmarkBackend(InetSocketAddress backend) {
    this.backend = backend;
  }

  @Override
  public SocketAddress resolve(String vmUuid) {
    return backend;
  }
}
