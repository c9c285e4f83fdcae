package org.porthole.hostagent.relay;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * A listening unix socket made through libc (JNA), whose accepted connection is a raw file
 * descriptor: the JDK accepts only into channels whose descriptor it keeps to itself, and libvirt
 * needs the descriptor. Listens for one connection; every descriptor is close-on-exec.
 *
 * <p>Threading: one thread at a time ({@link #close} may race nothing else).
 */
final class NativeListener implements AutoCloseable {
  /** sun_path's size, its terminating NUL included. */
  static final int MAX_PATH_BYTES = 108;

  private static final int AF_UNIX = 1;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final short POLLIN = 1;
  private static final int POLLFD_BYTES = 8;
  private static final int EINTR = 4;
  private static final int CLOSED = -1;

  private int fd;

  private NativeListener(int fd) {
    this.fd = fd;
  }

  /** Binds a new socket at {@code path} (which must not exist) and listens for one connection. */
  static NativeListener listen(Path path) throws AgentException {
    byte[] address = sockaddr(path);
    int fd;
    try {
      fd = Libc.INSTANCE.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw failure("cannot create a unix socket", e);
    }
    try {
      Libc.INSTANCE.bind(fd, address, address.length);
      Libc.INSTANCE.listen(fd, 1);
      return new NativeListener(fd);
    } catch (LastErrorException e) {
      closeFd(fd);
      throw failure("cannot listen on " + path, e);
    }
  }

  /**
   * Accepts the one connection, waiting at most {@code limit} for it; the caller owns (and must
   * close) the descriptor returned.
   */
  int accept(Duration limit) throws AgentException {
    long end = System.nanoTime() + limit.toNanos();
    ByteBuffer pollfd = ByteBuffer.allocate(POLLFD_BYTES).order(ByteOrder.nativeOrder());
    while (true) {
      pollfd.clear();
      pollfd.putInt(fd).putShort(POLLIN).putShort((short) 0);
      int waitMs = (int) Math.max(0, (end - System.nanoTime()) / 1_000_000);
      try {
        if (Libc.INSTANCE.poll(pollfd.array(), 1, waitMs) > 0) {
          return Libc.INSTANCE.accept4(fd, null, null, SOCK_CLOEXEC);
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          throw failure("cannot accept the relay's connection", e);
        }
      }
      if (System.nanoTime() - end >= 0) {
        throw new AgentException(
            PortholeStatus.UPSTREAM_UNAVAILABLE,
            "the relay's connection did not arrive within " + limit.toMillis() + " ms");
      }
    }
  }

  /** Stops listening; idempotent. The socket's path is the caller's to remove. */
  @Override
  public void close() {
    if (fd != CLOSED) {
      closeFd(fd);
      fd = CLOSED;
    }
  }

  /** Closes a descriptor this class handed out. */
  static void closeFd(int fd) {
    try {
      Libc.INSTANCE.close(fd);
    } catch (LastErrorException e) {
      // Linux releases the descriptor even when close reports an error (EINTR, EIO).
    }
  }

  /** struct sockaddr_un {sa_family_t sun_family; char sun_path[108];}, as long as needed. */
  private static byte[] sockaddr(Path path) throws AgentException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length >= MAX_PATH_BYTES) {
      throw new AgentException(
          PortholeStatus.INTERNAL,
          "unix socket path longer than " + (MAX_PATH_BYTES - 1) + " bytes: " + path);
    }
    ByteBuffer b = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
    b.putShort((short) AF_UNIX).put(name).put((byte) 0);
    return b.array();
  }

  private static AgentException failure(String what, LastErrorException e) {
    return new AgentException(
        PortholeStatus.UPSTREAM_UNAVAILABLE, what + ": errno " + e.getErrorCode(), e);
  }

  /** The libc calls this class makes (Linux). */
  interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int poll(byte[] fds, long count, int timeoutMs) throws LastErrorException;

    int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }
}
