package org.porthole.engine.sso;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Pins a VM's service principal on the first report its own host agent relays, and never moves it
 * on a later one: the SPN decides which key the user's Kerberos ticket is encrypted to, so a guest
 * that reports another name later (a compromised or replaced guest) must not get tickets for it. A
 * differing report is kept as {@code reported_spn} and audited once per new value; only a
 * porthole-admin moves the pin. Runs in the ticket's transaction, under the VM's lock.
 */
@ApplicationScoped
public class SpnPins {

  private final SsoRepository repository;
  private final AuditLog audit;

  @Inject
  public SpnPins(SsoRepository repository, AuditLog audit) {
    this.repository = repository;
    this.audit = audit;
  }

  /**
   * The VM's pinned SPN after this report: the report itself when it is the first (pinned and
   * audited {@code vm.sso-spn-learned}), else the existing pin.
   *
   * @param reported the SPN the guest reported, as the VM's host agent answered it; not empty
   * @throws PortholeException CONFLICT when nothing is pinned and the report is not {@code
   *     host/<fqdn>@REALM}
   */
  public String learn(Connection connection, UUID vmId, String hostId, String reported, Instant at)
      throws SQLException {
    Optional<SsoSettings> current = repository.findForUpdate(connection, vmId);
    String pinned = current.map(SsoSettings::spn).orElse(null);
    if (pinned == null) {
      return pinFirst(connection, vmId, hostId, reported, at);
    }
    if (!pinned.equals(reported)) {
      String shown = Spn.sanitize(reported);
      if (!shown.equals(current.get().reportedSpn())) {
        repository.report(connection, vmId, shown, at);
        audit.record(
            connection,
            AuditRecord.of(
                AuditKind.SSO_SPN_MISMATCH,
                at,
                AuditKind.SYSTEM_ACTOR,
                "",
                vmId,
                null,
                "the guest reported another SPN than the pinned one; the pin stays",
                Map.of("hostId", hostId, "spn", pinned, "reportedSpn", shown)));
      }
    }
    return pinned;
  }

  private String pinFirst(
      Connection connection, UUID vmId, String hostId, String reported, Instant at)
      throws SQLException {
    if (!Spn.isValid(reported)) {
      throw new PortholeException(
          PortholeStatus.CONFLICT,
          "the guest of VM "
              + vmId
              + " reported the service principal \""
              + Spn.sanitize(reported)
              + "\", which is not host/<fqdn>@REALM; nothing was pinned");
    }
    repository.pin(connection, vmId, reported, SsoSettings.GUEST, AuditKind.SYSTEM_ACTOR, at);
    audit.record(
        connection,
        AuditRecord.of(
            AuditKind.SSO_SPN_LEARNED,
            at,
            AuditKind.SYSTEM_ACTOR,
            "",
            vmId,
            null,
            "the guest's first reported SPN was pinned",
            Map.of("hostId", hostId, "spn", reported)));
    return reported;
  }
}
