package org.porthole.hostagent.libvirt;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A libvirt-java connection that also hands out its native {@code virConnectPtr}, which {@link
 * GraphicsEvents} needs for the event registration libvirt-java does not wrap.
 */
final class PointerConnect extends Connect {

  PointerConnect(String uri) throws LibvirtException {
    super(uri);
  }

  /** The native connection pointer; valid until {@link #close()}. */
  Pointer nativePointer() {
    return vcp.getPointer();
  }
}
