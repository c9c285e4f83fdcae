package org.porthole.stack.demovm;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.porthole.guest.protocol.ChannelStreams;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.LineReader;
import org.porthole.guest.protocol.LineWriter;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;
import org.porthole.guest.protocol.ProtocolException;

/**
 * The host end of a guest control channel for tests: connects to the unix socket libvirt bound for
 * {@code org.porthole.guest.0}, decodes every line on a reader thread into a queue, and sends
 * through the protocol's single {@link LineWriter}. Undecodable lines are queued as {@link
 * Message.ErrorReply} with code {@code test-undecodable} so a test sees them.
 */
final class GuestChannelClient implements Closeable {
  private final SocketChannel socket;
  private final LineWriter writer;
  private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  private final Thread reader;

  private GuestChannelClient(SocketChannel socket) {
    this.socket = socket;
    OutputStream out = ChannelStreams.out(socket);
    InputStream in = ChannelStreams.in(socket);
    this.writer = new LineWriter(out);
    this.reader = new Thread(() -> readAll(in), "guest-channel-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static GuestChannelClient connect(Path socketPath) throws IOException {
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      socket.connect(UnixDomainSocketAddress.of(socketPath));
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new GuestChannelClient(socket);
  }

  void send(Message message) throws IOException {
    writer.send(message);
  }

  /**
   * The next received message matching {@code wanted} (others are dropped), or fails after {@code
   * timeout}.
   */
  <T extends Message> T await(Class<T> type, Predicate<T> wanted, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Message m;
      try {
        m = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (m == null) {
        throw new IOException("no " + type.getSimpleName() + " from the guest within " + timeout);
      }
      if (type.isInstance(m) && wanted.test(type.cast(m))) {
        return type.cast(m);
      }
    }
  }

  /** Sends request {@code id} and returns its reply, ok or error. */
  Message request(String id, String command, Duration timeout) throws IOException {
    send(new Message.Request(id, command, null));
    return await(
        Message.class,
        m ->
            (m instanceof Message.OkReply ok && ok.id().equals(id))
                || (m instanceof Message.ErrorReply err && id.equals(err.id())),
        timeout);
  }

  private void readAll(InputStream in) {
    LineReader lines = new LineReader(in);
    try {
      for (Frame f = lines.next(); f != null; f = lines.next()) {
        if (f instanceof Frame.Line line && !line.text().isBlank()) {
          try {
            received.add(MessageCodec.decode(line.text()));
          } catch (ProtocolException e) {
            received.add(new Message.ErrorReply(null, "test-undecodable", e.getMessage()));
          }
        }
      }
    } catch (IOException e) {
      // closed by the test or by the guest's end: the queue simply stops growing
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
