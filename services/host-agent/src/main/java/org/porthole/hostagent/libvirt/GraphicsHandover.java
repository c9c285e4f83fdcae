package org.porthole.hostagent.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.concurrent.atomic.LongAdder;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Gives a domain's VNC server a connected socket through libvirt ({@code virDomainOpenGraphics},
 * which libvirt-java does not wrap; QEMU receives it with {@code add_client}), so the agent never
 * opens the server's own socket, which lies in the domain's private directory. Without {@code
 * VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH}: QEMU still asks the client for its VNC password.
 *
 * <p>libvirt sends the descriptor to libvirtd over the connection's unix socket, so the connection
 * must be local and read-write (as the agent's is). Threading: any thread; each call blocks until
 * QEMU has the socket (a libvirt round trip and a monitor command).
 */
public final class GraphicsHandover {
  private final LibvirtSession session;
  private final LongAdder handedOver = new LongAdder();

  public GraphicsHandover(LibvirtSession session) {
    this.session = session;
  }

  /**
   * Hands {@code fd} to graphics device {@code index} of domain {@code vmUuid}; QEMU gets its own
   * copy, the caller still owns (and closes) {@code fd}.
   *
   * @throws AgentException UPSTREAM_UNAVAILABLE with libvirt's reason when the domain is gone or
   *     libvirt refused
   */
  public void handOver(String vmUuid, int index, int fd) throws AgentException {
    String uuid = DomainUuid.require(vmUuid);
    Pointer dom = Calls.INSTANCE.virDomainLookupByUUIDString(session.nativePointer(), uuid);
    if (dom == null) {
      throw refused(uuid);
    }
    try {
      if (Calls.INSTANCE.virDomainOpenGraphics(dom, index, fd, 0) < 0) {
        throw refused(uuid);
      }
      handedOver.increment();
    } finally {
      Calls.INSTANCE.virDomainFree(dom);
    }
  }

  /** Connections handed over so far (tests check that consoles took this way). */
  public long handedOver() {
    return handedOver.sum();
  }

  /** libvirt's error is the calling thread's last one: read right after the failed call. */
  private static AgentException refused(String uuid) {
    String why = Calls.INSTANCE.virGetLastErrorMessage();
    return new AgentException(
        PortholeStatus.UPSTREAM_UNAVAILABLE,
        "libvirt could not connect the console to the VNC server of domain "
            + uuid
            + ": "
            + (why == null ? "no reason given" : why));
  }

  /** The libvirt functions this class calls. */
  interface Calls extends Library {
    Calls INSTANCE = Native.load("virt", Calls.class);

    Pointer virDomainLookupByUUIDString(Pointer conn, String uuid);

    int virDomainOpenGraphics(Pointer dom, int idx, int fd, int flags);

    int virDomainFree(Pointer dom);

    String virGetLastErrorMessage();
  }
}
