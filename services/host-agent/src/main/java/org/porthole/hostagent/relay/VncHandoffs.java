package org.porthole.hostagent.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Hands relay connections to VNC servers the agent never opens itself: QEMU's unix socket lives in
 * the domain's private directory (libvirt-qemu, 0750), which an unprivileged agent cannot enter.
 * libvirt can give QEMU an already connected socket ({@code virDomainOpenGraphics}, QEMU's {@code
 * add_client}; QEMU's VNC password still applies). So per console: a listening socket at a fresh
 * path in a directory of the agent's own (0700), the relay's ordinary non-blocking connect to it,
 * one native accept, the accepted descriptor handed over ({@link Handover}), and every copy the
 * agent held closed and the path removed. The relay's socket is then QEMU's client like any other.
 *
 * <p>Threading: {@link #open} and the {@link Rendezvous} run on the console's password-turn thread
 * (they block for a libvirt call). Each rendezvous has its own path and listener, so consoles
 * opened at once never exchange connections.
 */
public final class VncHandoffs implements AutoCloseable {
  /** What hands an accepted descriptor to a domain's graphics device (libvirt in the agent). */
  @FunctionalInterface
  public interface Handover {
    /**
     * Gives QEMU its own copy of {@code fd} (the caller closes {@code fd} afterwards).
     *
     * @throws AgentException UPSTREAM_UNAVAILABLE with the reason when libvirt refused
     */
    void handOver(String vmUuid, int graphicsIndex, int fd) throws AgentException;
  }

  /** How long the relay's connect (already completed when asked) may take to be acceptable. */
  static final Duration ACCEPT_LIMIT = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(VncHandoffs.class.getName());
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final String SOCKET_SUFFIX = ".sock";

  private final Path dir;
  private final Handover handover;
  private final AtomicLong ids = new AtomicLong();

  /** A private directory under {@code java.io.tmpdir}. */
  public VncHandoffs(Handover handover) throws AgentException {
    this(Path.of(System.getProperty("java.io.tmpdir")), handover);
  }

  /** A private directory under {@code parent}, created now (0700) and removed by {@link #close}. */
  public VncHandoffs(Path parent, Handover handover) throws AgentException {
    this.handover = handover;
    try {
      dir =
          Files.createTempDirectory(
              parent, "porthole-vnc-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
    } catch (IOException | UnsupportedOperationException e) {
      throw new AgentException(
          PortholeStatus.INTERNAL,
          "cannot create a private directory for VNC handoffs under " + parent + ": " + e,
          e);
    }
    Path longest = dir.resolve(Long.MAX_VALUE + SOCKET_SUFFIX);
    if (longest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        >= NativeListener.MAX_PATH_BYTES) {
      close();
      throw new AgentException(
          PortholeStatus.INTERNAL,
          "the VNC handoff directory "
              + dir
              + " is too long for a unix socket path: set a shorter java.io.tmpdir");
    }
  }

  /** The agent's private directory of handoff sockets. */
  public Path directory() {
    return dir;
  }

  /** A fresh one-connection listener for one relay. */
  Rendezvous open() throws AgentException {
    Path path = dir.resolve(ids.incrementAndGet() + SOCKET_SUFFIX);
    return new Rendezvous(path, NativeListener.listen(path));
  }

  /** Removes the directory and anything a failed handoff may have left in it. */
  @Override
  public void close() {
    try (Stream<Path> left = Files.list(dir)) {
      left.forEach(VncHandoffs::remove);
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException e) {
      LOG.log(
          Level.WARNING, "cannot remove the VNC handoff directory {0}: {1}", new Object[] {dir, e});
    }
  }

  private static void remove(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One relay's meeting point: connect to {@link #address}, then {@link #handOver}. */
  final class Rendezvous implements AutoCloseable {
    private final Path path;
    private final NativeListener listener;

    private Rendezvous(Path path, NativeListener listener) {
      this.path = path;
      this.listener = listener;
    }

    /** Where the relay connects. */
    UnixDomainSocketAddress address() {
      return UnixDomainSocketAddress.of(path);
    }

    /**
     * Accepts the relay's connection (its connect has completed) and hands the accepted end to the
     * VM's graphics device; the agent's copy is closed whatever happens.
     */
    void handOver(String vmUuid, int graphicsIndex) throws AgentException {
      int fd = listener.accept(ACCEPT_LIMIT);
      close();
      try {
        handover.handOver(vmUuid, graphicsIndex, fd);
      } finally {
        NativeListener.closeFd(fd);
      }
    }

    /** Stops listening and removes the path; idempotent. */
    @Override
    public void close() {
      listener.close();
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.log(
            Level.WARNING, "cannot remove the VNC handoff socket {0}: {1}", new Object[] {path, e});
      }
    }
  }
}
