package org.porthole.guestagent;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.LineReader;

/**
 * Plays the host side of a virtio-serial port: a unix socket where the guest agent expects its
 * device, in a temporary sysfs/dev tree. Lines the agent sends are queued by a reader thread;
 * heartbeats are counted and kept out of the queue.
 */
final class FakeHost implements Closeable {
  static final String END = "<end of stream>";

  private final Path device;
  private ServerSocketChannel server;
  private SocketChannel connection;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  volatile int heartbeats;

  FakeHost(Path root, String portName) throws IOException {
    Path sys = Files.createDirectories(root.resolve("sys/vport1p2"));
    Files.writeString(sys.resolve("name"), portName + "\n");
    Files.createDirectories(root.resolve("sys/vport1p3"));
    Files.writeString(root.resolve("sys/vport1p3/name"), "org.porthole.sso.0\n");
    Files.createDirectories(root.resolve("dev"));
    this.device = root.resolve("dev/vport1p2");
    listen();
  }

  void listen() throws IOException {
    Files.deleteIfExists(device);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(device));
  }

  /** Stops listening and removes the socket file: the port is gone. */
  void unplug() throws IOException {
    disconnect();
    server.close();
    Files.deleteIfExists(device);
  }

  /** Waits for the agent to connect (the accept is blocking; the agent retries on its own). */
  void accept() throws IOException {
    connection = server.accept();
    lines.clear();
    SocketChannel c = connection;
    Thread reader = new Thread(() -> readLoop(c), "fake-host-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop(SocketChannel c) {
    InputStream in =
        new InputStream() {
          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return c.read(ByteBuffer.wrap(b, off, len));
          }
        };
    LineReader reader = new LineReader(in);
    try {
      for (Frame f = reader.next(); f != null; f = reader.next()) {
        String text = ((Frame.Line) f).text();
        if (text.startsWith("{\"type\":\"heartbeat\"")) {
          heartbeats++;
        } else {
          lines.add(text);
        }
      }
    } catch (IOException e) {
      // connection closed by the test
    }
    lines.add(END);
  }

  void send(String line) throws IOException {
    sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  void sendBytes(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      connection.write(b);
    }
  }

  /** The next non-heartbeat line from the agent, failing after 5 s. */
  String next() throws InterruptedException {
    String line = lines.poll(5, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no line from the agent within 5 s");
    }
    return line;
  }

  /** The next line that is not a session event. */
  String nextReply() throws InterruptedException {
    String line = next();
    while (line.startsWith("{\"type\":\"event\"")) {
      line = next();
    }
    return line;
  }

  void disconnect() throws IOException {
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public void close() throws IOException {
    unplug();
  }
}
