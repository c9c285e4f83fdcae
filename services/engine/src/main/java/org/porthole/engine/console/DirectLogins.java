package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;

/**
 * Audits VNC logins to QEMU that did not come through a Porthole relay (a graphics INITIALIZE
 * without a session id): someone on the host, or on the network for an exposed VM, holds a way
 * around Porthole. At most one audit entry per VM per {@link #WINDOW}; the logins folded into the
 * next entry are counted in its {@code suppressed} detail, so a loop of logins cannot flood the
 * audit. Called on the event consumer's thread only (one per partition, and a VM's events stay in
 * one partition), so the per-VM memory needs no lock beyond the map's own.
 */
@ApplicationScoped
public class DirectLogins {

  static final Duration WINDOW = Duration.ofMinutes(1);

  /** VMs remembered at once; the oldest is forgotten beyond it (it then audits at once again). */
  private static final int MAX_TRACKED_VMS = 10_000;

  private static final int MAX_ADDRESS = 128;
  private static final Logger LOG = Logger.getLogger(DirectLogins.class);

  private final AuditLog audit;
  private final Map<UUID, Window> windows =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Window> eldest) {
          return size() > MAX_TRACKED_VMS;
        }
      };

  private static final class Window {
    private Instant audited;
    private int suppressed;
  }

  @Inject
  public DirectLogins(AuditLog audit) {
    this.audit = audit;
  }

  /**
   * Records a direct login to VM {@code vmId} on {@code hostId} at {@code at}, in the event's
   * transaction.
   *
   * @return true when an audit entry was written, false when it was folded into the next one
   */
  public boolean record(
      Connection connection, UUID vmId, String hostId, String clientAddress, Instant at)
      throws SQLException {
    int suppressed;
    synchronized (windows) {
      Window window = windows.computeIfAbsent(vmId, id -> new Window());
      if (window.audited != null && at.isBefore(window.audited.plus(WINDOW))) {
        window.suppressed++;
        return false;
      }
      suppressed = window.suppressed;
      window.audited = at;
      window.suppressed = 0;
    }
    String address =
        clientAddress.length() <= MAX_ADDRESS
            ? clientAddress
            : clientAddress.substring(0, MAX_ADDRESS);
    audit.record(
        connection,
        AuditRecord.of(
            AuditKind.DIRECT_LOGIN,
            at,
            AuditKind.SYSTEM_ACTOR,
            address,
            vmId,
            null,
            "a VNC client logged in to QEMU without a Porthole relay",
            Map.of("hostId", hostId, "suppressed", suppressed)));
    LOG.warnf(
        "VM %s on %s: a VNC client logged in to QEMU without a Porthole relay (%d more folded in)",
        vmId, hostId, suppressed);
    return true;
  }
}
