package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.testsupport.hostagent.AgentServers;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/**
 * An agent connection that goes silent (its host died, or the path drops every packet without a
 * reset) is noticed by HTTP/2 keep-alive within the configured time plus timeout, and the console
 * on it ends: a TCP relay between proxy and agent stops forwarding, keeping both sockets open.
 */
class AgentKeepAliveIT {
  private static final AgentKeepAlive KEEP_ALIVE =
      new AgentKeepAlive(AgentKeepAlive.MIN_TIME, Duration.ofSeconds(2));

  /** Scheduling slack on a loaded 2-core machine. */
  private static final Duration SLACK = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void silentlyDeadAgentEndsItsConsolesWithinKeepAliveTimeAndTimeout() throws Exception {
    Blackhole relay = new Blackhole();
    open.add(relay);
    String hostId = "localhost:" + relay.port();
    Path pki = dir.resolve("pki");
    Server agent = AgentServers.startAs(pki, new FakeHostAgent(), hostId);
    open.add(agent::shutdownNow);
    relay.forwardTo(agent.getPort());
    TlsFiles proxy = DevPki.ensure(pki, ServiceIdentity.wsProxy());
    EventLoopGroup loop = new NioEventLoopGroup(1);
    open.add(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    AgentChannels channels =
        new AgentChannels(
            id -> proxy.channelCredentials(ServiceIdentity.hostAgent(id)), KEEP_ALIVE);
    open.add(channels);

    CountDownLatch banner = new CountDownLatch(1);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<ConsoleFrame> toAgent =
        channels
            .stub(hostId, loop.next())
            .openConsole(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ConsoleFrame frame) {
                    banner.countDown();
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(Status.OK);
                  }
                });
    toAgent.onNext(
        ConsoleFrame.newBuilder().setOpen(ConsoleOpen.newBuilder().setToken("t")).build());
    assertThat(banner.await(30, TimeUnit.SECONDS)).as("console open through the relay").isTrue();

    relay.blackhole();
    long silentSince = System.nanoTime();
    Duration limit = KEEP_ALIVE.time().plus(KEEP_ALIVE.timeout()).plus(SLACK);
    Status status = ended.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    Duration noticed = Duration.ofNanos(System.nanoTime() - silentSince);
    assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(noticed)
        .as("noticed after the agent went silent")
        .isGreaterThanOrEqualTo(KEEP_ALIVE.time().minusSeconds(1));
    assertThat(relay.open()).as("the relay kept both sockets open").isTrue();
  }

  /** A one-connection TCP relay on loopback that can stop forwarding while keeping its sockets. */
  private static final class Blackhole implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean silent;

    Blackhole() throws IOException {}

    int port() {
      return listener.getLocalPort();
    }

    void forwardTo(int agentPort) {
      Thread accept =
          new Thread(
              () -> {
                try {
                  Socket client = listener.accept();
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), agentPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed by the test
                }
              },
              "blackhole-accept");
      accept.setDaemon(true);
      accept.start();
    }

    /** From now on every byte is read and dropped; nothing is closed. */
    void blackhole() {
      silent = true;
    }

    boolean open() {
      return sockets.size() == 2 && sockets.stream().noneMatch(Socket::isClosed);
    }

    private void pump(Socket from, Socket to) {
      Thread pump =
          new Thread(
              () -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    if (!silent) {
                      out.write(buffer, 0, n);
                      out.flush();
                    }
                  }
                } catch (IOException e) {
                  // a side closed
                }
              },
              "blackhole-pump");
      pump.setDaemon(true);
      pump.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
