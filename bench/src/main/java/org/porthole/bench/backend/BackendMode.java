package org.porthole.bench.backend;

import org.porthole.testsupport.vnc.VncMode;

/** What the backend does after its RFB handshake; chosen by the port a client connects to. */
public enum BackendMode {
  /**
   * Writes 64 KiB chunks as fast as the socket takes them (a full-screen redraw that never ends).
   */
  SOURCE(VncMode.SOURCE),
  /** Reads and discards. */
  SINK(VncMode.SINK),
  /** Writes back what it reads. */
  ECHO(VncMode.ECHO);

  private final VncMode vnc;

  BackendMode(VncMode vnc) {
    this.vnc = vnc;
  }

  /** The VNC stand-in's mode that serves it. */
  public VncMode vnc() {
    return vnc;
  }
}
