package org.porthole.hostagent.ticket;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.status.PortholeStatus;

/**
 * Graphics tickets through libvirt: read the live domain XML with the secure flag, rewrite the VNC
 * element's password and validity, apply it with a live device update.
 *
 * <p>Threading: no lock of its own. Callers make at most one change per domain at a time ({@link
 * PasswordTurns}), so a set and an expiry of one domain never interleave their read-modify-write,
 * while a slow or hung call for one domain holds up no other domain.
 */
public final class TicketService implements GraphicsTickets {
  /** VIR_DOMAIN_AFFECT_LIVE: change the running domain only, never its stored definition. */
  static final int AFFECT_LIVE = 1;

  private static final long EXPIRED_AGO_SECONDS = 60;
  private static final String UNKNOWABLE_ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final Supplier<Connect> connect;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TicketService(Connect connect, Clock clock) {
    this(() -> connect, clock);
  }

  /**
   * Tickets through whichever connection {@code connect} gives at each call (it may be reopened).
   */
  public TicketService(Supplier<Connect> connect, Clock clock) {
    this.connect = connect;
    this.clock = clock;
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    TicketRules.validate(password, validSeconds);
    String uuid = DomainUuid.require(vmUuid);
    Instant validTo = roundUpToSecond(clock.instant().plusSeconds(validSeconds));
    apply(uuid, password, validTo);
    return validTo;
  }

  @Override
  public void expire(String vmUuid) throws AgentException {
    String uuid = DomainUuid.require(vmUuid);
    Instant past =
        clock.instant().minusSeconds(EXPIRED_AGO_SECONDS).truncatedTo(ChronoUnit.SECONDS);
    apply(uuid, unknowablePassword(), past);
  }

  private void apply(String uuid, String password, Instant validTo) throws AgentException {
    Domain d = lookup(uuid);
    try {
      if (d.isActive() != 1) {
        throw new AgentException(PortholeStatus.CONFLICT, "domain " + uuid + " is not running");
      }
      String secureXml = d.getXMLDesc(LibvirtInventory.XML_SECURE);
      String device = GraphicsTicketXml.withTicket(secureXml, password, validTo);
      d.updateDeviceFlags(device, AFFECT_LIVE);
    } catch (LibvirtException e) {
      throw failure(uuid, e);
    } finally {
      free(d);
    }
  }

  private Domain lookup(String uuid) throws AgentException {
    try {
      return connect.get().domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      throw failure(uuid, e);
    }
  }

  /** libvirt's own message is left out: it could quote the device XML we sent. */
  private static AgentException failure(String uuid, LibvirtException e) {
    ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
    if (code == ErrorNumber.VIR_ERR_NO_DOMAIN) {
      return new AgentException(PortholeStatus.NOT_FOUND, "no domain " + uuid);
    }
    if (code == ErrorNumber.VIR_ERR_OPERATION_INVALID) {
      return new AgentException(PortholeStatus.CONFLICT, "domain " + uuid + " is not running");
    }
    return new AgentException(
        PortholeStatus.UPSTREAM_UNAVAILABLE,
        "libvirt refused the graphics update of " + uuid + " (" + code + ")");
  }

  private static void free(Domain d) {
    try {
      d.free();
    } catch (LibvirtException e) {
      // Nothing to do: the handle is gone either way.
    }
  }

  private String unknowablePassword() {
    StringBuilder sb = new StringBuilder(TicketRules.MAX_PASSWORD_CHARS);
    for (int i = 0; i < TicketRules.MAX_PASSWORD_CHARS; i++) {
      sb.append(UNKNOWABLE_ALPHABET.charAt(random.nextInt(UNKNOWABLE_ALPHABET.length())));
    }
    return sb.toString();
  }

  static Instant roundUpToSecond(Instant t) {
    Instant whole = t.truncatedTo(ChronoUnit.SECONDS);
    return whole.equals(t) ? whole : whole.plusSeconds(1);
  }
}
