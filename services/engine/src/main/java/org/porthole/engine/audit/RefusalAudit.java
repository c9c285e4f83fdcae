package org.porthole.engine.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.engine.EventTimes;
import org.porthole.kafka.refusal.BurstFolder;

/**
 * Writes the consoles the ws-proxy and the host agents refused ({@code porthole.refusals.v1}) into
 * the audit as {@link AuditKind#CONSOLE_REFUSED}, in the event's transaction. Rate-limited per
 * source and client address ({@value #BURST} rows at once, then one a second): refusals beyond it
 * are counted into the next row's {@code suppressed}, together with what the producer folded
 * already, so a flood costs a few rows a second and none goes uncounted. The token's claims fill
 * the row's actor, VM and session only when the refusing service verified them; otherwise they are
 * kept in the detail as claimed.
 */
@ApplicationScoped
public class RefusalAudit {

  static final int BURST = 20;
  private static final int MAX_KEYS = 4096;
  private static final int MAX_TEXT = 256;
  private static final Logger LOG = Logger.getLogger(RefusalAudit.class);

  private final AuditLog audit;
  private final Clock clock;
  private final BurstFolder<String, ConsoleRefusal> limit =
      new BurstFolder<>(BURST, TimeUnit.SECONDS.toNanos(1), MAX_KEYS, "*", System::nanoTime);

  @Inject
  public RefusalAudit(AuditLog audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  public void apply(Connection connection, ConsoleRefusal refusal) throws SQLException {
    String source = bounded(refusal.getSource());
    String address = bounded(refusal.getClientAddress());
    OptionalLong folded =
        limit.admit(source + "|" + bounded(refusal.getSourceId()) + "|" + address, refusal);
    if (folded.isEmpty()) {
      LOG.debugf("refusal from %s for %s folded (rate limit)", source, address);
      return;
    }
    Instant at = EventTimes.occurredAt(refusal.getOccurredAtEpochMs(), clock.instant());
    boolean verified = refusal.getClaimsVerified();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("source", source);
    detail.put("sourceId", bounded(refusal.getSourceId()));
    detail.put("status", bounded(refusal.getStatus()));
    detail.put("suppressed", Math.max(0, refusal.getSuppressed()) + folded.getAsLong());
    detail.put("claimsVerified", verified);
    if (!verified) {
      putIfSet(detail, "claimedVm", refusal.getVmUuid());
      putIfSet(detail, "claimedSession", refusal.getSessionId());
      putIfSet(detail, "claimedSubject", refusal.getSubject());
    }
    String actor =
        verified && !refusal.getSubject().isEmpty()
            ? bounded(refusal.getSubject())
            : AuditKind.ANONYMOUS_ACTOR;
    audit.record(
        connection,
        AuditRecord.of(
            AuditKind.CONSOLE_REFUSED,
            at,
            actor,
            address,
            verified ? uuid(refusal.getVmUuid()) : null,
            verified ? uuid(refusal.getSessionId()) : null,
            bounded(refusal.getReason()),
            detail));
  }

  private static void putIfSet(Map<String, Object> detail, String key, String value) {
    if (!value.isEmpty()) {
      detail.put(key, bounded(value));
    }
  }

  private static UUID uuid(String raw) {
    try {
      return raw.isEmpty() ? null : UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String bounded(String text) {
    String cut = text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
