package org.porthole.hostagent.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.hostagent.AgentBackend;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.VncTarget;
import org.porthole.hostagent.ticket.GraphicsTickets;

/**
 * The relay benchmark's hypervisor double: no libvirt and no domains; every console whose token
 * verified is relayed to one loopback TCP server that speaks like VNC, whatever VM the token names.
 * The server accepts any VNC Authentication response, so the relay's handshake runs as for a VM
 * while its one-time password sets and expires nothing. Events are optional.
 */
public final class BenchmarkBackend implements AgentBackend {
  /** The loopback {@code IP:port} every console goes to. */
  public static final String CONSOLE_BACKEND = "porthole.agent.console-backend";

  private static final String NONE = "none";

  private static final GraphicsTickets NO_PASSWORDS =
      new GraphicsTickets() {
        @Override
        public Instant set(String vmUuid, String password, int validSeconds) {
          return Instant.now().plusSeconds(validSeconds);
        }

        @Override
        public void expire(String vmUuid) {
          // nothing was set
        }
      };

  private static final Hypervisor NO_DOMAINS =
      new Hypervisor() {
        @Override
        public List<DomainView> listDomains() {
          return List.of();
        }

        @Override
        public Optional<DomainView> findDomain(String uuid) {
          return Optional.empty();
        }

        @Override
        public String uri() {
          return NONE;
        }

        @Override
        public String libvirtVersion() {
          return NONE;
        }
      };

  private final InetSocketAddress backend;

  public BenchmarkBackend(InetSocketAddress backend) {
    this.backend = backend;
  }

  /** From {@value #CONSOLE_BACKEND}: a loopback IP literal and a port, never a name. */
  public static BenchmarkBackend from(Settings settings) {
    String value =
        settings
            .find(CONSOLE_BACKEND)
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .orElseThrow(
                () ->
                    new ConfigException(
                        CONSOLE_BACKEND,
                        CONSOLE_BACKEND + "=127.0.0.1:<port> is required: where consoles go"));
    return new BenchmarkBackend(loopbackAddress(value));
  }

  public InetSocketAddress address() {
    return backend;
  }

  @Override
  public Opened open(Wiring wiring) {
    return new Opened(
        NO_DOMAINS,
        vmUuid -> new VncTarget.Listener(backend),
        wiring.passwordTurns(NO_PASSWORDS),
        Guests.NONE,
        null,
        List.of());
  }

  @Override
  public boolean needsEvents() {
    return false;
  }

  /** {@code 127.0.0.1:PORT} or {@code [::1]:PORT}: an IP literal on loopback and a port. */
  static InetSocketAddress loopbackAddress(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw badBackend(value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw badBackend(value); // a literal only: never a name lookup
    }
    int port;
    InetAddress address;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
      address = InetAddress.getByName(host);
    } catch (NumberFormatException | UnknownHostException e) {
      throw badBackend(value);
    }
    if (port < 1 || port > 65535 || !address.isLoopbackAddress()) {
      throw badBackend(value);
    }
    return new InetSocketAddress(address, port);
  }

  private static ConfigException badBackend(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return new ConfigException(
        CONSOLE_BACKEND,
        CONSOLE_BACKEND
            + " must be a loopback address and port such as 127.0.0.1:5900, got '"
            + shown
            + "'");
  }
}
