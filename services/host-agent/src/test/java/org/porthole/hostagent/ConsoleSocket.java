package org.porthole.hostagent;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/** An OpenConsole stream seen as a socket (input and output streams), for RFB in tests. */
final class ConsoleSocket implements StreamObserver<ConsoleFrame>, AutoCloseable {
  private static final byte[] END = new byte[0];
  private final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> status = new CompletableFuture<>();
  private volatile ConsoleClose close;
  private StreamObserver<ConsoleFrame> requests;

  static ConsoleSocket open(HostAgentGrpc.HostAgentStub stub, String token) {
    ConsoleSocket s = new ConsoleSocket();
    s.requests = stub.openConsole(s);
    s.requests.onNext(
        ConsoleFrame.newBuilder()
            .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress("203.0.113.9"))
            .build());
    return s;
  }

  @Override
  public void onNext(ConsoleFrame f) {
    if (f.hasClose()) {
      close = f.getClose();
    } else {
      incoming.add(f.getData().toByteArray());
    }
  }

  @Override
  public void onError(Throwable t) {
    status.complete(Status.fromThrowable(t));
    incoming.add(END);
  }

  @Override
  public void onCompleted() {
    status.complete(Status.OK);
    incoming.add(END);
  }

  Status awaitStatus() throws Exception {
    return status.get(10, TimeUnit.SECONDS);
  }

  ConsoleClose closeFrame() {
    return close;
  }

  InputStream in() {
    return new InputStream() {
      private byte[] chunk = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0; // InputStream's contract; readNBytes asks for 0 bytes once it has them all
        }
        if (pos == chunk.length) {
          try {
            chunk = incoming.poll(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          pos = 0;
          if (chunk == null) {
            throw new IOException("no console data within 10 s");
          }
          if (chunk == END) {
            incoming.add(END);
            chunk = new byte[0];
            return -1;
          }
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  OutputStream out() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        requests.onNext(
            ConsoleFrame.newBuilder()
                .setData(ByteString.copyFrom(Arrays.copyOfRange(b, off, off + len)))
                .build());
      }
    };
  }

  @Override
  public void close() {
    requests.onNext(
        ConsoleFrame.newBuilder()
            .setClose(ConsoleClose.newBuilder().setStatus("CLOSED").setReason("test done"))
            .build());
    requests.onCompleted();
  }
}
