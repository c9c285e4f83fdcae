package org.porthole.wsproxy.relay;

import io.netty.channel.EventLoop;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/**
 * Finds the host agent a console token names. The real one ({@link AgentChannels}) keeps one
 * mutual-TLS channel per agent; tests connect to an in-process fake.
 */
@FunctionalInterface
public interface AgentConnector {

  /**
   * A stub for the agent whose id is {@code hostId} (its gRPC authority {@code host:port}), for a
   * console served by {@code loop}: the real connector's calls run their transport on that loop, so
   * the relay's bytes never cross threads. Must not block: connecting happens when the first call
   * starts.
   *
   * @throws IllegalArgumentException when {@code hostId} is not a usable address
   */
  HostAgentGrpc.HostAgentStub stub(String hostId, EventLoop loop);
}
