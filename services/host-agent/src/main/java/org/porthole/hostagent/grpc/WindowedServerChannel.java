package org.porthole.hostagent.grpc;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.List;
import org.porthole.grpcflow.ConnectionWindow;

/**
 * The agent's listening socket: every accepted connection gets a wide HTTP/2 connection window
 * ({@link ConnectionWindow}) before gRPC sets up its pipeline, so that one console whose client
 * sends input faster than its VM takes it cannot pin the connection's whole window and stall the
 * input of every other console that ws-proxy multiplexes on the same connection.
 *
 * <p>Threading: Netty calls {@link #doReadMessages} on the acceptor's event loop.
 */
final class WindowedServerChannel extends NioServerSocketChannel {
  private final int connectionWindow;

  WindowedServerChannel(int connectionWindow) {
    this.connectionWindow = connectionWindow;
  }

  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    int first = buf.size();
    int accepted = super.doReadMessages(buf);
    for (int i = first; i < buf.size(); i++) {
      ConnectionWindow.install((Channel) buf.get(i), connectionWindow);
    }
    return accepted;
  }
}
