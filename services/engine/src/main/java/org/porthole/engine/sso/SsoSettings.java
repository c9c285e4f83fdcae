package org.porthole.engine.sso;

import java.time.Instant;
import java.util.UUID;

/**
 * A VM's SSO settings as stored ({@code vm_sso}).
 *
 * @param spn the pinned service principal, null until the first report or an admin's PUT
 * @param source {@link #GUEST} or {@link #ADMIN}; null without a pin
 * @param setBy {@link org.porthole.engine.audit.AuditKind#SYSTEM_ACTOR} for a first report, else
 *     the porthole-admin
 * @param reportedSpn the guest's latest report that differs from the pin (sanitized), never used
 * @param delegation the VM's delegation policy, null for the engine's default
 */
public record SsoSettings(
    UUID vmId,
    String spn,
    String source,
    String setBy,
    Instant setAt,
    String reportedSpn,
    Instant reportedAt,
    String delegation) {

  /** The pin came from the guest's first report. */
  public static final String GUEST = "guest";

  /** A porthole-admin set the pin. */
  public static final String ADMIN = "admin";
}
