package org.porthole.wsproxy.harness;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.wsproxy.relay.AgentConnector;

/**
 * In-process host agents keyed by host id, everything on the calling thread (direct executors), and
 * a connector that records which host ids the proxy asked for.
 */
public final class InProcessAgents implements AgentConnector, AutoCloseable {

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  /** Serves {@code agent} as host {@code hostId}. */
  public InProcessAgents add(String hostId, FakeHostAgent agent) {
    String name = InProcessServerBuilder.generateName();
    try {
      servers.add(
          InProcessServerBuilder.forName(name).directExecutor().addService(agent).build().start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channels.put(hostId, InProcessChannelBuilder.forName(name).directExecutor().build());
    return this;
  }

  @Override
  public HostAgentGrpc.HostAgentStub stub(String hostId, EventLoop loop) {
    requested.add(hostId);
    ManagedChannel channel = channels.get(hostId);
    if (channel == null) {
      throw new IllegalArgumentException("no such agent in this test");
    }
    return HostAgentGrpc.newStub(channel);
  }

  /** Host ids the proxy asked for, in order. */
  public List<String> requested() {
    return requested;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
  }
}
