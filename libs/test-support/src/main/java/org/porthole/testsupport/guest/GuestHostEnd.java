package org.porthole.testsupport.guest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.porthole.guest.protocol.ChannelStreams;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.LineReader;
import org.porthole.guest.protocol.LineWriter;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;
import org.porthole.guest.protocol.ProtocolException;

/**
 * The host end of a guest control channel, for tests. It either listens where a guest agent expects
 * its virtio-serial port ({@link #listen(Path)}, as QEMU does for the guest's device) or connects
 * to the unix socket libvirt bound for a domain's channel ({@link #connect(Path)}).
 *
 * <p>A reader thread per connection queues each line the guest sends, raw, and queues {@link #END}
 * when the stream ends; heartbeats are counted ({@link #heartbeats()}) and kept out of the queue,
 * so a test sees only what it asserts on. A test takes lines raw ({@link #next}, for byte-exact
 * checks) or decoded ({@link #await}); it sends messages through the protocol's one {@link
 * LineWriter}, or raw lines and bytes for hostile input.
 *
 * <p>Threading: one test thread calls the methods; only the reader threads run beside it.
 */
public final class GuestHostEnd implements Closeable {
  /** Queued when the guest's stream ends (the guest closed, or the test disconnected). */
  public static final String END = "<end of stream>";

  /** How long {@link #next()} and {@link #nextReply()} wait for a line. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  /**
   * The code of the {@link Message.ErrorReply} that {@link #await} sees in place of a line that is
   * not a valid message, so a test notices garbage instead of waiting past it.
   */
  public static final String UNDECODABLE = "test-undecodable";

  private static final String HEARTBEAT_PREFIX = "{\"type\":\"heartbeat\"";
  private static final String EVENT_PREFIX = "{\"type\":\"event\"";

  private final Path device;
  private final AtomicInteger heartbeats = new AtomicInteger();
  private ServerSocketChannel server;
  private SocketChannel connection;
  private LineWriter writer;
  private BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private GuestHostEnd(Path device) {
    this.device = device;
  }

  /**
   * Listens on {@code device}, replacing any file there; {@link #accept()} then waits for the guest
   * agent to connect.
   */
  public static GuestHostEnd listen(Path device) throws IOException {
    GuestHostEnd host = new GuestHostEnd(device);
    host.listen();
    return host;
  }

  /** Connects to the unix socket {@code socket}, where the guest's channel already listens. */
  public static GuestHostEnd connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    GuestHostEnd host = new GuestHostEnd(null);
    host.attach(channel);
    return host;
  }

  /** Listens on the device again, as when the port comes back after {@link #unplug()}. */
  public void listen() throws IOException {
    if (device == null) {
      throw new IllegalStateException("a connected host end has no device to listen on");
    }
    closeListener();
    Files.deleteIfExists(device);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(device));
    server = s;
  }

  /**
   * Waits, without a bound, for the guest agent to connect (the agent retries on its own) and reads
   * from the new connection; an earlier connection is closed and its lines are no longer seen.
   */
  public void accept() throws IOException {
    if (server == null) {
      throw new IllegalStateException("not listening");
    }
    attach(server.accept());
  }

  /** Stops listening and removes the socket file, with the connection: the port is gone. */
  public void unplug() throws IOException {
    disconnect();
    closeListener();
  }

  /** Closes the connection only; a listening host end can {@link #accept()} the next one. */
  public void disconnect() throws IOException {
    SocketChannel c = connection;
    if (c != null) {
      c.close();
    }
  }

  /** Heartbeats received so far, over every connection. */
  public int heartbeats() {
    return heartbeats.get();
  }

  /** The next line from the guest (not a heartbeat) or {@link #END}, within {@code within}. */
  public String next(Duration within) throws InterruptedException {
    String line = lines.poll(within.toNanos(), TimeUnit.NANOSECONDS);
    if (line == null) {
      throw new AssertionError("no line from the guest within " + within);
    }
    return line;
  }

  /** The next line from the guest, within {@link #DEFAULT_WAIT}. */
  public String next() throws InterruptedException {
    return next(DEFAULT_WAIT);
  }

  /** The next line that is not an event, each line arriving within {@code within}. */
  public String nextReply(Duration within) throws InterruptedException {
    String line = next(within);
    while (line.startsWith(EVENT_PREFIX)) {
      line = next(within);
    }
    return line;
  }

  /** The next line that is not an event, each line within {@link #DEFAULT_WAIT}. */
  public String nextReply() throws InterruptedException {
    return nextReply(DEFAULT_WAIT);
  }

  /** Sends {@code line} and a newline as they are, valid or not. */
  public void send(String line) throws IOException {
    sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Sends raw bytes, for hostile input (not framed: the test adds any newline). */
  public void sendBytes(byte[] bytes) throws IOException {
    SocketChannel c = connected();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /** Sends {@code message} as one line through the protocol's writer. */
  public void send(Message message) throws IOException {
    connected();
    writer.send(message);
  }

  /**
   * The next message of {@code type} matching {@code wanted}, decoded from the queued lines within
   * {@code timeout}; the lines before it are dropped. A line that is not a valid message is seen as
   * an {@link Message.ErrorReply} with code {@link #UNDECODABLE}.
   *
   * @throws AssertionError when none arrives in time or the stream ends first
   */
  public <T extends Message> T await(Class<T> type, Predicate<T> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(
            "no " + type.getSimpleName() + " from the guest within " + timeout);
      }
      if (line.equals(END)) {
        throw new AssertionError("the channel ended before a " + type.getSimpleName() + " came");
      }
      if (line.isBlank()) {
        continue;
      }
      Message m = decode(line);
      if (type.isInstance(m) && wanted.test(type.cast(m))) {
        return type.cast(m);
      }
    }
  }

  /** Sends request {@code id} without arguments and returns its reply, ok or error. */
  public Message request(String id, String command, Duration timeout)
      throws IOException, InterruptedException {
    send(new Message.Request(id, command, null));
    return await(
        Message.class,
        m ->
            (m instanceof Message.OkReply ok && ok.id().equals(id))
                || (m instanceof Message.ErrorReply err && id.equals(err.id())),
        timeout);
  }

  @Override
  public void close() throws IOException {
    unplug();
  }

  private void attach(SocketChannel c) throws IOException {
    disconnect();
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    lines = queue;
    connection = c;
    writer = new LineWriter(ChannelStreams.out(c));
    InputStream in = ChannelStreams.in(c);
    Thread reader = new Thread(() -> readLoop(in, queue), "guest-host-end-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Each connection has its own queue, so its late {@link #END} never reaches the next one. */
  private void readLoop(InputStream in, BlockingQueue<String> queue) {
    LineReader reader = new LineReader(in);
    try {
      for (Frame f = reader.next(); f != null; f = reader.next()) {
        // An oversized line is dropped by the framing; no agent under test sends one.
        if (f instanceof Frame.Line line) {
          if (line.text().startsWith(HEARTBEAT_PREFIX)) {
            heartbeats.incrementAndGet();
          } else {
            queue.add(line.text());
          }
        }
      }
    } catch (IOException e) {
      // closed by the test: the stream ends here
    }
    queue.add(END);
  }

  private static Message decode(String line) {
    try {
      return MessageCodec.decode(line);
    } catch (ProtocolException e) {
      return new Message.ErrorReply(null, UNDECODABLE, String.valueOf(e.getMessage()));
    }
  }

  private SocketChannel connected() {
    SocketChannel c = connection;
    if (c == null) {
      throw new IllegalStateException("no connection: accept() or connect() first");
    }
    return c;
  }

  private void closeListener() throws IOException {
    ServerSocketChannel s = server;
    if (s == null) {
      return;
    }
    server = null;
    s.close();
    Files.deleteIfExists(device);
  }
}
