package org.porthole.hostagent.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Receives libvirt's GRAPHICS domain events (VIR_DOMAIN_EVENT_ID_GRAPHICS), which libvirt-java does
 * not wrap, through a direct JNA registration of {@code virConnectDomainEventRegisterAny}.
 *
 * <p>Threading: the callback runs on libvirt's event-loop thread (see {@link LibvirtSession}). It
 * only copies the event out of native memory (the pointers are valid during the call only) and
 * passes it to {@code sink}, which must not block.
 */
public final class GraphicsEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GraphicsEvents.class.getName());
  private static final int EVENT_ID_GRAPHICS = 5;
  private static final int UUID_STRING_BYTES = 37;

  private final Pointer conn; // the connection registered on, not the session's current one
  private final GraphicsCallback callback; // strongly held: libvirt keeps only a pointer
  private final int callbackId;

  private GraphicsEvents(Pointer conn, GraphicsCallback callback, int callbackId) {
    this.conn = conn;
    this.callback = callback;
    this.callbackId = callbackId;
  }

  /** Registers for GRAPHICS events of every domain on the session's current connection. */
  public static GraphicsEvents register(
      LibvirtSession session, Consumer<GraphicsSignal> sink, Clock clock) throws AgentException {
    GraphicsCallback cb =
        new GraphicsCallback() {
          @Override
          public void invoke(
              Pointer conn,
              Pointer dom,
              int phase,
              Pointer local,
              Pointer remote,
              String authScheme,
              Pointer subject,
              Pointer opaque) {
            deliver(sink, clock, dom, phase, local, remote, authScheme);
          }
        };
    Pointer conn = session.nativePointer();
    int id =
        LibvirtNative.INSTANCE.virConnectDomainEventRegisterAny(
            conn, null, EVENT_ID_GRAPHICS, cb, null, null);
    if (id < 0) {
      throw new AgentException(
          PortholeStatus.INTERNAL, "libvirt refused the GRAPHICS event registration");
    }
    return new GraphicsEvents(conn, cb, id);
  }

  private static void deliver(
      Consumer<GraphicsSignal> sink,
      Clock clock,
      Pointer dom,
      int phase,
      Pointer local,
      Pointer remote,
      String authScheme) {
    try {
      byte[] uuid = new byte[UUID_STRING_BYTES];
      if (LibvirtNative.INSTANCE.virDomainGetUUIDString(dom, uuid) < 0) {
        LOG.warning("GRAPHICS event for a domain whose UUID libvirt could not give; ignored");
        return;
      }
      sink.accept(
          new GraphicsSignal(
              Native.toString(uuid, "US-ASCII"),
              GraphicsSignal.Phase.of(phase),
              address(remote),
              address(local),
              authScheme == null ? "" : authScheme,
              clock.instant()));
    } catch (RuntimeException e) {
      // An exception must never unwind into native code.
      LOG.log(Level.SEVERE, "cannot handle a GRAPHICS event", e);
    }
  }

  /** Reads {int family; char *node; char *service} with the platform's alignment. */
  static GraphicsSignal.Address address(Pointer p) {
    if (p == null) {
      return GraphicsSignal.Address.NONE;
    }
    int family = p.getInt(0);
    Pointer node = p.getPointer(Native.POINTER_SIZE);
    Pointer service = p.getPointer(2L * Native.POINTER_SIZE);
    return new GraphicsSignal.Address(
        GraphicsSignal.Family.of(family),
        node == null ? "" : node.getString(0, "UTF-8"),
        service == null ? "" : service.getString(0, "UTF-8"));
  }

  /**
   * Deregisters from the connection it registered on. The registration holds a reference on that
   * connection, so this is safe after the connection was lost, as long as it comes before the
   * connection is closed.
   */
  @Override
  public void close() {
    int rc = LibvirtNative.INSTANCE.virConnectDomainEventDeregisterAny(conn, callbackId);
    if (rc < 0) {
      LOG.fine("GRAPHICS event deregistration failed (connection already closed?)");
    }
  }

  /** virConnectDomainEventGraphicsCallback. */
  public interface GraphicsCallback extends Callback {
    void invoke(
        Pointer conn,
        Pointer dom,
        int phase,
        Pointer local,
        Pointer remote,
        String authScheme,
        Pointer subject,
        Pointer opaque);
  }

  /** The three libvirt functions this class calls. */
  interface LibvirtNative extends Library {
    LibvirtNative INSTANCE = Native.load("virt", LibvirtNative.class);

    int virConnectDomainEventRegisterAny(
        Pointer conn,
        Pointer dom,
        int eventId,
        GraphicsCallback cb,
        Pointer opaque,
        Pointer freeCb);

    int virConnectDomainEventDeregisterAny(Pointer conn, int callbackId);

    int virDomainGetUUIDString(Pointer dom, byte[] buf);
  }
}
