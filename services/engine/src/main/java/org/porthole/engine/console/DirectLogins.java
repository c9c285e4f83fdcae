package org.porthole.engine.console;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;

/**
 * Audits VNC logins to QEMU that did not come through a Porthole relay (a graphics INITIALIZE
 * without a session id): someone on the host, or on the network for an exposed VM, holds a way
 * around Porthole. At most one audit entry per VM per {@link #WINDOW}, so a loop of logins cannot
 * flood the audit; the logins folded in are counted in the {@code suppressed} detail of the next
 * entry, which a scheduled flush writes once the window passed (so a burst right after one audited
 * login is recorded even if no login follows). {@link #record} runs on the event consumer's
 * threads, the flush on the scheduler's; the per-VM memory is guarded by its map's lock.
 */
@ApplicationScoped
public class DirectLogins {

  static final Duration WINDOW = Duration.ofMinutes(1);

  /** VMs remembered at once; the oldest is forgotten beyond it (it then audits at once again). */
  private static final int MAX_TRACKED_VMS = 10_000;

  private static final int MAX_ADDRESS = 128;
  private static final Logger LOG = Logger.getLogger(DirectLogins.class);

  private final AuditLog audit;
  private final Clock clock;
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
    private String hostId = "";
    private String address = "";
  }

  /** Logins folded in since a VM's last entry, due to be written. */
  private record Folded(UUID vmId, String hostId, String address, int count) {}

  @Inject
  public DirectLogins(AuditLog audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
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
        window.hostId = hostId;
        window.address = clientAddress;
        return false;
      }
      suppressed = window.suppressed;
      window.audited = at;
      window.suppressed = 0;
    }
    audit.record(
        connection,
        entry(
            at,
            new Folded(vmId, hostId, clientAddress, suppressed),
            "a VNC client logged in to QEMU without a Porthole relay"));
    LOG.warnf(
        "VM %s on %s: a VNC client logged in to QEMU without a Porthole relay (%d more folded in)",
        vmId, hostId, suppressed);
    return true;
  }

  @Scheduled(
      every = "10s",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void flush() {
    flushDue(clock.instant());
  }

  /**
   * Writes one entry for each VM whose window passed with logins folded in, each in a transaction
   * of its own; the VM's next window starts {@code now}. Returns how many were written.
   */
  int flushDue(Instant now) {
    List<Folded> due = new ArrayList<>();
    synchronized (windows) {
      for (Map.Entry<UUID, Window> e : windows.entrySet()) {
        Window w = e.getValue();
        if (w.suppressed > 0 && !now.isBefore(w.audited.plus(WINDOW))) {
          due.add(new Folded(e.getKey(), w.hostId, w.address, w.suppressed));
          w.audited = now;
          w.suppressed = 0;
        }
      }
    }
    for (Folded f : due) {
      audit.recordAlone(
          entry(
              now,
              f,
              f.count()
                  + " more VNC logins to QEMU without a Porthole relay, folded into one entry"));
      LOG.warnf(
          "VM %s on %s: %d more VNC logins to QEMU without a Porthole relay in the last %s",
          f.vmId(), f.hostId(), f.count(), WINDOW);
    }
    return due.size();
  }

  private static AuditRecord entry(Instant at, Folded f, String reason) {
    String address =
        f.address().length() <= MAX_ADDRESS ? f.address() : f.address().substring(0, MAX_ADDRESS);
    return AuditRecord.of(
        AuditKind.DIRECT_LOGIN,
        at,
        AuditKind.SYSTEM_ACTOR,
        address,
        f.vmId(),
        null,
        reason,
        Map.of("hostId", f.hostId(), "suppressed", f.count()));
  }
}
