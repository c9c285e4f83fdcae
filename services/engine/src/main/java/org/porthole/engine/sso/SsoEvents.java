package org.porthole.engine.sso;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.SsoOutcome;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.inventory.DomainMapping;

/**
 * Audits how a guest's Kerberos SSO exchange ended (a {@code porthole.guests.v1} event of kind
 * SSO), in the event's transaction: {@code console.sso-signed-in}, {@code console.sso-refused} or
 * {@code console.sso-failed}, with the session's owner as actor. Only an outcome for a session that
 * was granted SSO on that VM and that host is audited; any other is ignored and counted, so a guest
 * (whose root writes these events' content) cannot put rows about other sessions in the audit. What
 * the guest says is bounded and stripped of control characters; its free text is never kept.
 */
@ApplicationScoped
public class SsoEvents {

  static final String OK = "ok";
  static final String REFUSED = "refused";
  static final String FAILED = "failed";

  /** The longest code kept (the protocol's codes are short words). */
  static final int MAX_CODE = 64;

  /** The longest principal kept (the token's {@code krb} bound). */
  static final int MAX_PRINCIPAL = 256;

  /** The longest local user name kept. */
  static final int MAX_USER = 64;

  private static final Logger LOG = Logger.getLogger(SsoEvents.class);

  private final SsoRepository repository;
  private final AuditLog audit;
  private final LongAdder ignored = new LongAdder();

  @Inject
  public SsoEvents(SsoRepository repository, AuditLog audit) {
    this.repository = repository;
    this.audit = audit;
  }

  /**
   * Audits the event's outcome if it names a session granted SSO on its VM and host.
   *
   * @throws IllegalArgumentException when the event is malformed (no outcome, an unknown outcome, a
   *     session id or VM that is not a UUID); the message is safe to log
   */
  public void apply(Connection connection, GuestEvent event, Instant at) throws SQLException {
    if (!event.hasSso()) {
      throw new IllegalArgumentException("sso event without its outcome");
    }
    SsoOutcome outcome = event.getSso();
    String kind = kindOf(outcome.getOutcome());
    UUID vmId =
        DomainMapping.parseUuid(event.getVmUuid())
            .orElseThrow(() -> new IllegalArgumentException("guest event vm_uuid is not a UUID"));
    UUID sessionId =
        DomainMapping.parseUuid(outcome.getSessionId())
            .orElseThrow(() -> new IllegalArgumentException("sso event session is not a UUID"));
    Optional<SsoGrant> grant = repository.findGrant(connection, sessionId);
    if (grant.isEmpty()
        || !grant.get().vmId().equals(vmId)
        || !grant.get().hostId().equals(event.getHostId())) {
      ignored.increment();
      LOG.debugf("sso outcome for session %s ignored: no SSO grant of that VM and host", sessionId);
      return;
    }
    audit.record(
        connection,
        AuditRecord.of(
            kind,
            at,
            grant.get().owner(),
            "",
            vmId,
            sessionId,
            reasonOf(outcome),
            detailOf(outcome)));
  }

  /** Outcomes ignored since start because no SSO grant of their VM and host names the session. */
  public long ignored() {
    return ignored.sum();
  }

  private static String kindOf(String outcome) {
    switch (outcome) {
      case OK:
        return AuditKind.SSO_SIGNED_IN;
      case REFUSED:
        return AuditKind.SSO_REFUSED;
      case FAILED:
        return AuditKind.SSO_FAILED;
      default:
        throw new IllegalArgumentException("sso outcome is not ok, refused or failed");
    }
  }

  private static String reasonOf(SsoOutcome outcome) {
    String code = bounded(outcome.getCode(), MAX_CODE);
    switch (outcome.getOutcome()) {
      case OK:
        return "signed in to the guest with Kerberos";
      case REFUSED:
        return "the guest refused the Kerberos sign-in: " + code;
      default:
        return "the Kerberos sign-in could not run in the guest: " + code;
    }
  }

  /** {@code {principal, user, delegated, delivered, code}}: the guest's words, bounded. */
  static Map<String, Object> detailOf(SsoOutcome outcome) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("principal", bounded(outcome.getPrincipal(), MAX_PRINCIPAL));
    detail.put("user", bounded(outcome.getUser(), MAX_USER));
    detail.put("delegated", outcome.getDelegated());
    detail.put("delivered", outcome.getDelivered());
    detail.put("code", bounded(outcome.getCode(), MAX_CODE));
    return detail;
  }

  /** At most {@code max} characters, control characters as "?". */
  static String bounded(String text, int max) {
    String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= max ? t : t.substring(0, max);
  }
}
