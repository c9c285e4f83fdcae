package org.porthole.hostagent;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.porthole.hostagent.libvirt.LibvirtInventory;

/**
 * Tiny TCG domains for integration tests: no disk, 64 MiB, VNC only, started paused (the VNC server
 * works, no CPU is burnt). Names start with {@value #PREFIX}; {@link #close} removes every one this
 * instance made, and {@link #sweep} removes leftovers of a crashed run.
 */
final class TestDomains implements AutoCloseable {
  static final String PREFIX = "porthole-it-hostagent-";
  private static final int START_PAUSED = 1;

  private final Connect connect;
  private final List<String> names = new ArrayList<>();

  TestDomains(Connect connect) {
    this.connect = connect;
  }

  static String xml(String name, String graphics) {
    return "<domain type='qemu'><name>"
        + name
        + "</name><memory unit='MiB'>64</memory>"
        + "<vcpu>1</vcpu><os><type>hvm</type></os><devices>"
        + graphics
        + "</devices></domain>";
  }

  static String name(String role) {
    return PREFIX + role + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Starts a transient domain (gone when destroyed). */
  Domain start(String role, String graphics) throws LibvirtException {
    String n = name(role);
    names.add(n);
    return connect.domainCreateXML(xml(n, graphics), START_PAUSED);
  }

  /** Defines a persistent domain without starting it. */
  Domain define(String role, String graphics) throws LibvirtException {
    String n = name(role);
    names.add(n);
    return connect.domainDefineXML(xml(n, graphics));
  }

  /** Removes every domain with the test prefix. */
  void sweep() throws LibvirtException {
    for (int id : connect.listDomains()) {
      remove(connect.domainLookupByID(id));
    }
    for (String n : connect.listDefinedDomains()) {
      if (n.startsWith(PREFIX)) {
        remove(connect.domainLookupByName(n));
      }
    }
  }

  private static void remove(Domain d) throws LibvirtException {
    if (!d.getName().startsWith(PREFIX)) {
      return;
    }
    if (d.isActive() == 1) {
      d.destroy();
    }
    if (d.isPersistent() == 1) {
      d.undefine();
    }
  }

  /** The VNC password QEMU holds now (live XML read with the secure flag). */
  static String passwd(Domain d) {
    try {
      String xml = d.getXMLDesc(LibvirtInventory.XML_SECURE);
      int i = xml.indexOf("passwd='");
      return i < 0 ? "" : xml.substring(i + 8, xml.indexOf('\'', i + 8));
    } catch (LibvirtException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws LibvirtException {
    for (String n : names) {
      try {
        remove(connect.domainLookupByName(n));
      } catch (LibvirtException e) {
        // Already gone (a destroyed transient domain).
      }
    }
  }
}
