package org.porthole.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.porthole.stack.libvirt.Libvirt;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.link.UnixLink;

/**
 * QEMU's own VNC server of a domain, reached around Porthole as a local attacker (or a native
 * viewer of old) would: its loopback TCP port, or its unix socket for domains that use one. Also
 * QEMU's own list of VNC clients ({@code info vnc}), the ground truth of what is connected.
 */
public final class QemuVnc {
  private static final Pattern SOCKET =
      Pattern.compile("<graphics type='vnc'[^>]*\\bsocket='([^']+)'");
  private static final Pattern PORT = Pattern.compile("<graphics type='vnc'[^>]*\\bport='(\\d+)'");
  private static final Pattern LISTEN_SOCKET =
      Pattern.compile("<listen type='socket'[^>]*\\bsocket='([^']+)'");

  private final Path socket;
  private final int port;

  private QemuVnc(Path socket, int port) {
    this.socket = socket;
    this.port = port;
  }

  /** Where {@code domain}'s VNC server listens now, from its live XML. */
  static QemuVnc of(String domain) throws IOException {
    String xml = Libvirt.virsh("dumpxml", domain);
    for (Pattern p : new Pattern[] {SOCKET, LISTEN_SOCKET}) {
      Matcher socket = p.matcher(xml);
      if (socket.find()) {
        return new QemuVnc(Path.of(socket.group(1)), 0);
      }
    }
    Matcher port = PORT.matcher(xml);
    if (port.find() && !"-1".equals(port.group(1))) {
      return new QemuVnc(null, Integer.parseInt(port.group(1)));
    }
    throw new IOException("no VNC socket or port in the live XML of " + domain);
  }

  /** A raw connection to {@code domain}'s VNC server. */
  static ByteLink connect(String domain) throws IOException {
    return of(domain).connect();
  }

  /** A raw connection to this VNC server. */
  ByteLink connect() throws IOException {
    return socket != null ? new UnixLink(socket) : new TcpLink("127.0.0.1", port);
  }

  @Override
  public String toString() {
    return socket != null ? "unix:" + socket : "127.0.0.1:" + port;
  }

  /** The VNC clients QEMU itself has connected now ({@code Client:} lines of {@code info vnc}). */
  public static int clients(String domain) throws IOException {
    return clients(Libvirt::virsh, domain);
  }

  /** The same, for a domain of another libvirt daemon than the machine's. */
  public static int clients(Virsh libvirt, String domain) throws IOException {
    String info = libvirt.run("qemu-monitor-command", "--hmp", domain, "info vnc");
    return (int) info.lines().filter(l -> l.strip().startsWith("Client:")).count();
  }

  /** {@code virsh -c URI ARGS...} against one libvirt daemon, answering its output. */
  @FunctionalInterface
  public interface Virsh {
    String run(String... args) throws IOException;
  }

  /**
   * Waits until QEMU lists {@code expected} VNC clients of {@code domain}; returns how long it
   * took.
   */
  public static Duration awaitClients(String domain, int expected, Duration timeout)
      throws Exception {
    return awaitClients(Libvirt::virsh, domain, expected, timeout);
  }

  /** The same, for a domain of another libvirt daemon than the machine's. */
  public static Duration awaitClients(Virsh libvirt, String domain, int expected, Duration timeout)
      throws Exception {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    int seen = clients(libvirt, domain);
    while (seen != expected && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      seen = clients(libvirt, domain);
    }
    if (seen != expected) {
      throw new AssertionError(
          "QEMU lists "
              + seen
              + " VNC clients of "
              + domain
              + ", expected "
              + expected
              + " within "
              + timeout);
    }
    return Duration.between(start, Instant.now());
  }
}
