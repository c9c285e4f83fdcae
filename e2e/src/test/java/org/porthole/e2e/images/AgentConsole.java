package org.porthole.e2e.images;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.testsupport.link.ByteLink;

/**
 * A console stream to a host agent (OpenConsole, as the ws-proxy opens it) as a {@link ByteLink}:
 * the data frames it receives are the bytes read; an error or the stream's end fails the read.
 */
final class AgentConsole implements ByteLink, StreamObserver<ConsoleFrame> {
  private static final byte[] END = new byte[0];

  private final LinkedBlockingQueue<byte[]> arrived = new LinkedBlockingQueue<>();
  private final ManagedChannel channel;
  private final StreamObserver<ConsoleFrame> requests;
  private byte[] pending = new byte[0];
  private volatile String ended = "";

  private AgentConsole(ManagedChannel channel, String token) {
    this.channel = channel;
    this.requests = HostAgentGrpc.newStub(channel).openConsole(this);
    requests.onNext(
        ConsoleFrame.newBuilder()
            .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress("127.0.0.1"))
            .build());
  }

  /** Opens a console on {@code channel} (closed with the console) with {@code token}. */
  static AgentConsole open(ManagedChannel channel, String token) {
    return new AgentConsole(channel, token);
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    while (out.size() < n) {
      if (pending.length == 0) {
        try {
          byte[] next = arrived.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (next == null) {
            throw new IOException("no " + n + " bytes from the agent within " + timeout);
          }
          if (next == END) {
            throw new IOException("the agent ended the console: " + ended);
          }
          pending = next;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      int take = Math.min(n - out.size(), pending.length);
      out.write(pending, 0, take);
      pending = java.util.Arrays.copyOfRange(pending, take, pending.length);
    }
    return out.toByteArray();
  }

  @Override
  public void write(byte[] bytes) {
    requests.onNext(ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build());
  }

  @Override
  public void close() {
    requests.onCompleted();
    channel.shutdownNow();
  }

  @Override
  public void onNext(ConsoleFrame frame) {
    if (frame.hasData()) {
      arrived.add(frame.getData().toByteArray());
    } else if (frame.hasClose()) {
      ended = frame.getClose().getStatus() + " " + frame.getClose().getReason();
      arrived.add(END);
    }
  }

  @Override
  public void onError(Throwable t) {
    ended = t.toString();
    arrived.add(END);
  }

  @Override
  public void onCompleted() {
    arrived.add(END);
  }
}
