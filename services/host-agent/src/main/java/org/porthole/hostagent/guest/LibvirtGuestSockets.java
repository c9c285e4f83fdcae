package org.porthole.hostagent.guest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Reads the control channel's (and the SSO port's) socket from each running domain's live XML. The
 * XML is read with the secure flag, like the rest of the agent (one way of reading domains), and
 * never leaves {@link GuestChannelXml}.
 */
public final class LibvirtGuestSockets implements GuestSockets {
  private final Supplier<Connect> connect;

  public LibvirtGuestSockets(Connect connect) {
    this(() -> connect);
  }

  /** Reads through whichever connection {@code connect} gives at each call (it may be reopened). */
  public LibvirtGuestSockets(Supplier<Connect> connect) {
    this.connect = connect;
  }

  @Override
  public List<String> runningDomains() throws AgentException {
    return List.copyOf(runningDomainIds().values());
  }

  /**
   * The running domains' UUIDs by their libvirt ID, which changes with every start: a domain
   * restarted since a former listing has a new ID.
   */
  public Map<Integer, String> runningDomainIds() throws AgentException {
    Map<Integer, String> uuids = new LinkedHashMap<>();
    Connect connect = this.connect.get();
    try {
      for (int id : connect.listDomains()) {
        Domain d;
        try {
          d = connect.domainLookupByID(id);
        } catch (LibvirtException e) {
          continue; // stopped meanwhile
        }
        try {
          uuids.put(id, d.getUUIDString());
        } finally {
          d.free();
        }
      }
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE, "cannot list running domains: " + e.getMessage(), e);
    }
    return uuids;
  }

  @Override
  public Optional<Path> controlSocket(String vmUuid) throws AgentException {
    return socket(vmUuid, GuestChannelXml.CONTROL_PORT);
  }

  @Override
  public Optional<Path> ssoSocket(String vmUuid) throws AgentException {
    return socket(vmUuid, GuestChannelXml.SSO_PORT);
  }

  /** One way of reading a running domain's channel socket, for both ports. */
  private Optional<Path> socket(String vmUuid, String port) throws AgentException {
    String uuid = DomainUuid.require(vmUuid);
    Domain d;
    try {
      d = connect.get().domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (noDomain(e)) {
        return Optional.empty();
      }
      throw unavailable(uuid, e);
    }
    try {
      if (d.isActive() != 1) {
        return Optional.empty();
      }
      return GuestChannelXml.socket(d.getXMLDesc(LibvirtInventory.XML_SECURE), port);
    } catch (LibvirtException e) {
      if (noDomain(e)) {
        return Optional.empty();
      }
      throw unavailable(uuid, e);
    } finally {
      try {
        d.free();
      } catch (LibvirtException e) {
        // the handle is gone either way
      }
    }
  }

  private static boolean noDomain(LibvirtException e) {
    return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
  }

  private static AgentException unavailable(String uuid, LibvirtException e) {
    ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
    return new AgentException(
        PortholeStatus.UPSTREAM_UNAVAILABLE,
        "cannot read the guest channel of domain " + uuid + " (" + code + ")",
        e);
  }
}
