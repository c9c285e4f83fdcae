package org.porthole.engine.guest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** REST views of the guest feature (wire shapes, mapped from the domain records here). */
public final class GuestViews {

  private GuestViews() {}

  /** {@code GET /vms/{id}/console-policy} and the answer to its PUT. */
  public record PolicyView(
      UUID vmId,
      String disconnectAction,
      int graceMs,
      int reconnectWindowSeconds,
      boolean stored,
      boolean onHost,
      String note) {

    static PolicyView of(ConsolePolicyService.Applied a) {
      ConsolePolicy p = a.policy();
      return new PolicyView(
          p.vmId(),
          p.disconnectAction().wireName(),
          p.graceMs(),
          p.reconnectWindowSeconds(),
          a.stored(),
          a.onHost(),
          a.note());
    }
  }

  /** The guest agent's state; in the VM list and in {@code GET /vms/{id}/guest}. */
  public record StateView(
      boolean channel,
      boolean connected,
      boolean responsive,
      String agentVersion,
      int protocolVersion,
      String hostname,
      String os,
      List<String> users,
      List<String> ips,
      String session,
      boolean locked,
      Instant reportedAt) {

    public static StateView of(GuestState s) {
      return new StateView(
          s.channel(),
          s.connected(),
          s.responsive(),
          s.agentVersion(),
          s.protocolVersion(),
          s.hostname(),
          s.osName(),
          s.users(),
          s.ips(),
          s.session(),
          s.locked(),
          s.reportedAt());
    }
  }

  /** One disconnect action as audited. */
  public record ActionView(
      String eventId, String action, boolean confirmed, String reason, Instant occurredAt) {

    static ActionView of(GuestEventMapping.ActionRecord a) {
      return new ActionView(a.eventId(), a.action(), a.confirmed(), a.reason(), a.occurredAt());
    }
  }

  /** {@code GET /vms/{id}/guest}: {@code state} is null while no guest agent ever reported. */
  public record GuestView(UUID vmId, StateView state, List<ActionView> disconnectActions) {}
}
