package org.porthole.testsupport.vnc;

/** What a {@link VncStandIn} listener does once a client passed VNC Authentication. */
public enum VncMode {
  /** Writes back every byte after ClientInit: a test reads exactly what reached "QEMU". */
  MIRROR,
  /** Writes back what it reads after ClientInit. */
  ECHO,
  /**
   * After ClientInit, writes 64 KiB chunks as fast as the socket takes them (a full-screen redraw
   * that never ends).
   */
  SOURCE,
  /** After ClientInit, reads and discards. */
  SINK,
  /**
   * The first byte after ClientInit picks the mode (a relay sends its own ClientInit, so that
   * cannot carry the choice): {@code E} {@link #ECHO}, {@code S} {@link #SOURCE}, {@code K} {@link
   * #SINK}; any other byte closes the connection. For one address that serves every mode (an agent
   * in benchmark mode relays all consoles to one backend).
   */
  CHOSEN_BY_CLIENT;

  /** The mode a {@link #CHOSEN_BY_CLIENT} client picked with {@code letter}, or null. */
  static VncMode picked(byte letter) {
    return switch (letter) {
      case 'E' -> ECHO;
      case 'S' -> SOURCE;
      case 'K' -> SINK;
      default -> null;
    };
  }

  /** The letter a client sends in ClientInit's place to pick this mode. */
  public byte letter() {
    return switch (this) {
      case ECHO -> 'E';
      case SOURCE -> 'S';
      case SINK -> 'K';
      default -> throw new IllegalStateException(this + " cannot be picked by a client");
    };
  }
}
