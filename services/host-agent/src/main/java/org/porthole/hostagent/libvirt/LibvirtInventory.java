package org.porthole.hostagent.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The domain inventory read from libvirt. Domain XML is read with the secure flag so the presence
 * of a graphics password is known; that XML never leaves this class.
 *
 * <p>Exposed graphics (listening beyond loopback) are logged once per domain, as a warning that
 * says how to fix the domain.
 */
public final class LibvirtInventory implements Hypervisor {
  /** VIR_DOMAIN_XML_SECURE: include passwords, or they would be lost on a device update. */
  public static final int XML_SECURE = 1;

  private static final Logger LOG = Logger.getLogger(LibvirtInventory.class.getName());
  private static final long VERSION_PART = 1000;

  private final LibvirtSession session;
  private final Optional<LibvirtReconnect> reconnect;
  private final String uri;
  private final Set<String> warnedExposed = ConcurrentHashMap.newKeySet();

  /** An inventory whose connection, once lost, stays lost. */
  public LibvirtInventory(LibvirtSession session) {
    this(session, Optional.empty());
  }

  /** An inventory over a connection that {@code reconnect} reopens. */
  public LibvirtInventory(LibvirtSession session, LibvirtReconnect reconnect) {
    this(session, Optional.of(reconnect));
  }

  private LibvirtInventory(LibvirtSession session, Optional<LibvirtReconnect> reconnect) {
    this.session = session;
    this.reconnect = reconnect;
    this.uri = session.uri();
  }

  @Override
  public List<DomainView> listDomains() throws AgentException {
    List<DomainView> views = new ArrayList<>();
    Connect connect = session.connect();
    try {
      for (int id : connect.listDomains()) {
        viewOf(() -> connect.domainLookupByID(id)).ifPresent(views::add);
      }
      for (String name : connect.listDefinedDomains()) {
        viewOf(() -> connect.domainLookupByName(name)).ifPresent(views::add);
      }
    } catch (LibvirtException e) {
      throw unavailable("cannot list domains", e);
    }
    return views;
  }

  @Override
  public Optional<DomainView> findDomain(String uuid) throws AgentException {
    String id = DomainUuid.require(uuid);
    try {
      return viewOf(() -> session.connect().domainLookupByUUIDString(id));
    } catch (LibvirtException e) {
      throw unavailable("cannot look up domain " + id, e);
    }
  }

  @Override
  public String uri() {
    return uri;
  }

  /** Opens a connection of its own to the same URI, asks libvirt's version, closes it. */
  @Override
  public void ping() throws AgentException {
    Connect probe = null;
    try {
      probe = new Connect(uri);
      probe.getLibVersion();
    } catch (LibvirtException e) {
      throw unavailable("libvirt at " + uri + " does not answer", e);
    } finally {
      if (probe != null) {
        try {
          probe.close();
        } catch (LibvirtException e) {
          LOG.log(Level.FINE, "closing the probe connection failed", e);
        }
      }
    }
  }

  @Override
  public boolean connectionAlive() {
    return reconnect.map(LibvirtReconnect::connected).orElseGet(session::alive);
  }

  @Override
  public boolean connectionRecoverable() {
    return reconnect.map(LibvirtReconnect::running).orElseGet(session::alive);
  }

  @Override
  public void whenConnectionLost(Runnable action) {
    reconnect.ifPresent(r -> r.add(LibvirtReconnect.Outage.onLoss(action)));
  }

  @Override
  public String libvirtVersion() {
    try {
      long v = session.connect().getLibVersion();
      long major = v / (VERSION_PART * VERSION_PART);
      return major + "." + (v / VERSION_PART) % VERSION_PART + "." + v % VERSION_PART;
    } catch (LibvirtException e) {
      return "unknown";
    }
  }

  /** Reads one domain; a domain that vanished meanwhile is simply absent. */
  private Optional<DomainView> viewOf(Lookup lookup) throws LibvirtException, AgentException {
    Domain d;
    try {
      d = lookup.find();
    } catch (LibvirtException e) {
      if (isNoDomain(e)) {
        return Optional.empty();
      }
      throw e;
    }
    try {
      DomainView view = describe(d);
      warnIfExposed(view);
      return Optional.of(view);
    } catch (LibvirtException e) {
      if (isNoDomain(e)) {
        return Optional.empty();
      }
      throw e;
    } finally {
      d.free();
    }
  }

  private static DomainView describe(Domain d) throws LibvirtException, AgentException {
    String xml = d.getXMLDesc(XML_SECURE);
    return new DomainView(
        d.getUUIDString(), d.getName(), VmState.of(d.getInfo().state), GraphicsXml.read(xml));
  }

  private void warnIfExposed(DomainView view) {
    Optional<GraphicsInfo> g = view.graphics();
    if (g.isEmpty() || !g.get().exposed() || !warnedExposed.add(view.uuid())) {
      return;
    }
    LOG.log(
        Level.WARNING,
        "Domain ''{0}'' ({1}): {2} graphics listen on {3}, reachable from the network around"
            + " Porthole. Fix: set listen=''127.0.0.1'' (or a unix socket) and a passwd on its"
            + " <graphics> element, then restart it; see services/host-agent/README.md.",
        new Object[] {view.name(), view.uuid(), g.get().type(), g.get().listenAddresses()});
  }

  static boolean isNoDomain(LibvirtException e) {
    return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
  }

  private static AgentException unavailable(String what, LibvirtException e) {
    return new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, what + ": " + e.getMessage(), e);
  }

  @FunctionalInterface
  private interface Lookup {
    Domain find() throws LibvirtException;
  }
}
