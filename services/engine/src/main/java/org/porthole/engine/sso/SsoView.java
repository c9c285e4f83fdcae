package org.porthole.engine.sso;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * REST view of a VM's SSO settings: {@code {vmId, spn, source, setBy, setAt, reportedSpn,
 * reportedAt, delegation, delegationDefault}}; {@code spn} null until the guest's first report or
 * an admin's PUT; {@code reportedSpn} the guest's latest report that differs from the pin (never
 * used); {@code delegation} the policy SSO tokens of the VM get, {@code delegationDefault} true
 * when that is the engine's default ({@code porthole.sso.delegation}) because the VM has none.
 */
public record SsoView(
    UUID vmId,
    String spn,
    String source,
    String setBy,
    Instant setAt,
    String reportedSpn,
    Instant reportedAt,
    String delegation,
    boolean delegationDefault) {

  static SsoView of(UUID vmId, Optional<SsoSettings> settings, String defaultDelegation) {
    if (settings.isEmpty()) {
      return new SsoView(vmId, null, null, null, null, null, null, defaultDelegation, true);
    }
    SsoSettings s = settings.get();
    boolean byDefault = s.delegation() == null;
    return new SsoView(
        vmId,
        s.spn(),
        s.source(),
        s.setBy(),
        s.setAt(),
        s.reportedSpn(),
        s.reportedAt(),
        byDefault ? defaultDelegation : s.delegation(),
        byDefault);
  }
}
