package org.porthole.bench.backend;

/** What the backend does after its RFB banner; chosen by the port a client connects to. */
public enum BackendMode {
  /**
   * Writes 64 KiB chunks as fast as the socket takes them (a full-screen redraw that never ends).
   */
  SOURCE,
  /** Reads and discards. */
  SINK,
  /** Writes back what it reads. */
  ECHO
}
