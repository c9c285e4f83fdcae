package org.porthole.guestagent.port;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.porthole.guest.protocol.ChannelStreams;

/**
 * An open virtio-serial port: one byte stream in, one out. A real port is a character device,
 * opened once read-write (the kernel allows one opener per port); a unix socket at the same path is
 * connected instead, which is how tests (and a host-side simulator) play the host.
 *
 * <p>Threads: one thread reads while others write (through the single {@link
 * org.porthole.guest.protocol.LineWriter}). Writes never share a lock with reads ({@link
 * ChannelStreams} for a socket), because the JDK's channel streams take one lock for both
 * directions and a blocked read would stall every write. A device is read through its file channel
 * and written through a second file channel on the same descriptor (each channel has its own lock),
 * so {@link #close} ends a blocked read and a blocked write alike: with no host client a write to a
 * virtio port blocks, and only a channel's close wakes it.
 */
public final class PortChannel implements Closeable {
  private static final int SOCKET_TYPE = 0140000;
  private static final int TYPE_MASK = 0170000;

  private final InputStream in;
  private final OutputStream out;
  private final Closeable resource;

  private PortChannel(InputStream in, OutputStream out, Closeable resource) {
    this.in = in;
    this.out = out;
    this.resource = resource;
  }

  /**
   * Opens {@code device}: connects when it is a unix socket, else opens it read-write.
   *
   * @throws IOException when the port cannot be opened (gone, busy, no permission)
   */
  public static PortChannel open(Path device) throws IOException {
    if (isSocket(device)) {
      SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        socket.connect(UnixDomainSocketAddress.of(device));
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      return new PortChannel(ChannelStreams.in(socket), ChannelStreams.out(socket), socket);
    }
    RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw");
    FileOut out = new FileOut(file);
    Closeable both =
        () -> {
          try {
            out.close(); // wakes a blocked writer, then closes the shared descriptor
          } finally {
            file.close();
          }
        };
    return new PortChannel(new FileIn(file), out, both);
  }

  private static boolean isSocket(Path device) throws IOException {
    Object mode = Files.getAttribute(device, "unix:mode");
    return mode instanceof Integer m && (m & TYPE_MASK) == SOCKET_TYPE;
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  @Override
  public void close() throws IOException {
    resource.close();
  }

  /**
   * Reads the character device through its {@link FileChannel}: closing the port then wakes a
   * thread blocked in {@code read(2)} (a plain {@link RandomAccessFile#read} would stay blocked
   * until the host side disconnects). A read of 0 bytes is the device's "no host client" and is the
   * end of this opening, as before.
   */
  private static final class FileIn extends InputStream {
    private final FileChannel channel;

    FileIn(RandomAccessFile file) {
      this.channel = file.getChannel();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, len));
      return n <= 0 ? -1 : n;
    }
  }

  /**
   * Writes the character device through a file channel of its own on the device's descriptor: a
   * plain {@link RandomAccessFile#write} blocked in {@code write(2)} would stay blocked past any
   * time limit, and the reading channel's lock would make writes wait for reads.
   */
  private static final class FileOut extends OutputStream {
    private final FileChannel channel;

    FileOut(RandomAccessFile file) throws IOException {
      this.channel = new FileOutputStream(file.getFD()).getChannel();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }
}
