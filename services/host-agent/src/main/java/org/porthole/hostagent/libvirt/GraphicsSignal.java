package org.porthole.hostagent.libvirt;

import java.time.Instant;

/**
 * One libvirt GRAPHICS event, copied out of native memory on the event-loop thread.
 *
 * @param vmUuid the domain
 * @param phase connect, initialize (after successful authentication) or disconnect
 * @param remote the client's address as QEMU saw it; for a Porthole relay its service is the local
 *     port of the relay's socket
 * @param local QEMU's own listening address
 * @param authScheme e.g. "vnc" for VNC password auth, "none"
 */
public record GraphicsSignal(
    String vmUuid, Phase phase, Address remote, Address local, String authScheme, Instant at) {

  /** libvirt's virDomainEventGraphicsPhase. */
  public enum Phase {
    CONNECT,
    INITIALIZE,
    DISCONNECT;

    static Phase of(int value) {
      return switch (value) {
        case 0 -> CONNECT;
        case 1 -> INITIALIZE;
        case 2 -> DISCONNECT;
        default -> throw new IllegalArgumentException("unknown graphics phase " + value);
      };
    }
  }

  /** libvirt's virDomainEventGraphicsAddress: family, node (host) and service (port). */
  public record Address(Family family, String node, String service) {
    public static final Address NONE = new Address(Family.UNKNOWN, "", "");

    /** The service as a TCP port, or -1 when it is not one (unix socket, garbage). */
    public int port() {
      if (family == Family.UNIX || family == Family.UNKNOWN) {
        return -1;
      }
      try {
        return Integer.parseInt(service);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** "node:service" for humans and audit. */
    @Override
    public String toString() {
      return family == Family.IPV6 ? "[" + node + "]:" + service : node + ":" + service;
    }
  }

  /** virDomainEventGraphicsAddressType. */
  public enum Family {
    IPV4,
    IPV6,
    UNIX,
    UNKNOWN;

    static Family of(int value) {
      return switch (value) {
        case 0 -> IPV4;
        case 1 -> IPV6;
        case 2 -> UNIX;
        default -> UNKNOWN;
      };
    }
  }
}
