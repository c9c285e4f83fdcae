package org.porthole.engine.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.engine.EventTimes;
import org.porthole.engine.agent.HostIds;

/**
 * Applies host and lifecycle events to the inventory, inside the caller's transaction. Malformed
 * events raise {@link IllegalArgumentException} with a message safe to log.
 */
@ApplicationScoped
public class InventoryEvents {

  private static final Logger LOG = Logger.getLogger(InventoryEvents.class);
  private static final int MIN_TIMEOUT_SECONDS = 1;
  private static final int MAX_TIMEOUT_SECONDS = 3600;
  private static final int DEFAULT_TIMEOUT_SECONDS = 15;
  private static final int MAX_TEXT = 255;
  private static final String UNDEFINED = "UNDEFINED";

  private final HostRepository hosts;
  private final VmRepository vms;
  private final Clock clock;

  @Inject
  public InventoryEvents(HostRepository hosts, VmRepository vms, Clock clock) {
    this.hosts = hosts;
    this.vms = vms;
    this.clock = clock;
  }

  /**
   * Applies a heartbeat or goodbye.
   *
   * @return true when the host's domains must be (re)listed: a new host or a new boot id
   */
  public boolean applyHost(Connection connection, HostEvent event) throws SQLException {
    String hostId = requireHostId(event.getHostId());
    Instant now = clock.instant();
    Instant seenAt = EventTimes.occurredAt(event.getOccurredAtEpochMs(), now);
    if (event.getKind() == HostEventKind.HOST_EVENT_KIND_GOODBYE) {
      hosts.recordGoodbye(connection, hostId, seenAt);
      LOG.infof("host %s said goodbye", hostId);
      return false;
    }
    if (event.getKind() != HostEventKind.HOST_EVENT_KIND_HEARTBEAT) {
      throw new IllegalArgumentException(
          "host event kind " + event.getKindValue() + " is not known");
    }
    int timeout =
        event.getHeartbeatTimeoutSeconds() == 0
            ? DEFAULT_TIMEOUT_SECONDS
            : event.getHeartbeatTimeoutSeconds();
    if (timeout < MIN_TIMEOUT_SECONDS || timeout > MAX_TIMEOUT_SECONDS) {
      throw new IllegalArgumentException("heartbeat timeout " + timeout + " s is outside 1..3600");
    }
    boolean fresh = seenAt.plusSeconds(timeout).isAfter(now);
    hosts.recordHeartbeat(
        connection,
        new HostRepository.Heartbeat(
            hostId,
            bounded(event.getAgentVersion()),
            event.getApiVersionsList(),
            bounded(event.getBootId()),
            timeout,
            seenAt,
            fresh));
    return hosts.find(connection, hostId).map(Host::needsInventory).orElse(false);
  }

  /**
   * Applies a lifecycle event: updates state and name, learns a VM it carries, forgets an undefined
   * one.
   */
  public void applyLifecycle(Connection connection, LifecycleEvent event) throws SQLException {
    UUID vmId =
        DomainMapping.parseUuid(event.getVmUuid())
            .orElseThrow(
                () -> new IllegalArgumentException("lifecycle event vm_uuid is not a UUID"));
    String hostId = requireHostId(event.getHostId());
    Instant at = EventTimes.occurredAt(event.getOccurredAtEpochMs(), clock.instant());
    if (event.getDetail().startsWith(UNDEFINED)) {
      vms.delete(connection, vmId, at);
      LOG.infof("VM %s undefined on %s", vmId, hostId);
      return;
    }
    String name = bounded(event.getName());
    if (event.hasDomain()) {
      Vm carried =
          DomainMapping.toVm(event.getDomain(), hostId, at)
              .orElseThrow(
                  () -> new IllegalArgumentException("lifecycle event domain uuid is not a UUID"));
      vms.upsert(connection, withEventFields(carried, name, event.getState(), event.getDetail()));
      return;
    }
    VmState state = VmState.afterLifecycle(event.getState(), event.getDetail());
    if (!vms.updateState(connection, vmId, hostId, name, state, at)) {
      vms.upsert(
          connection,
          new Vm(vmId, hostId, name.isEmpty() ? vmId.toString() : name, state, null, at));
    }
  }

  private static Vm withEventFields(Vm vm, String name, DomainState state, String detail) {
    VmState eventState =
        state == DomainState.DOMAIN_STATE_UNSPECIFIED
            ? vm.state()
            : VmState.afterLifecycle(state, detail);
    String eventName = name.isEmpty() ? vm.name() : name;
    return new Vm(vm.id(), vm.hostId(), eventName, eventState, vm.graphics(), vm.updatedAt());
  }

  private static String requireHostId(String hostId) {
    if (!HostIds.isValid(hostId)) {
      throw new IllegalArgumentException("host_id is not host:port");
    }
    return hostId;
  }

  private static String bounded(String text) {
    return Optional.ofNullable(text)
        .map(t -> t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT))
        .orElse("");
  }
}
