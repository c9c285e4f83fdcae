package org.porthole.engine.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.engine.console.ConsoleSession;
import org.porthole.engine.console.SessionRepository;
import org.porthole.engine.events.IgnoredEvents.Reason;
import org.porthole.engine.inventory.VmListing;
import org.porthole.engine.inventory.VmRepository;

/**
 * The owner rule (docs/contracts.md, "Kafka"): an event changes engine state only when it came from
 * the host that owns what it names. The broker lets each host agent write only its own topics, so
 * the topic says which host sent an event; the event's {@code host_id} must be that host, a VM it
 * names must be unknown or on that host, and a console session it names must be that host's. A VM
 * known on another host is never moved by an event: a real migration is learned when the
 * destination's inventory is listed over gRPC, where the agent is authenticated. Checks run in the
 * event's transaction, before it is marked applied.
 */
@ApplicationScoped
public class EventOwners {

  private final VmRepository vms;
  private final SessionRepository sessions;

  @Inject
  public EventOwners(VmRepository vms, SessionRepository sessions) {
    this.vms = vms;
    this.sessions = sessions;
  }

  /** Empty when {@code hostId} is the host of {@code topic}; else why not. */
  public Optional<Reason> hostOfTopic(EventTopics.HostTopic topic, String hostId) {
    if (hostId.isEmpty() || !topic.hostKey().equals(EventTopics.hostKey(hostId))) {
      return Optional.of(Reason.HOST_ID_NOT_THE_TOPICS);
    }
    return Optional.empty();
  }

  /** A lifecycle event may touch only a VM that is unknown or on its host, and name one VM. */
  public Optional<Reason> lifecycle(Connection connection, LifecycleEvent event)
      throws SQLException {
    if (event.hasDomain() && !event.getDomain().getUuid().equalsIgnoreCase(event.getVmUuid())) {
      throw new IllegalArgumentException("lifecycle event domain uuid is not its vm_uuid");
    }
    return vmOnHost(connection, event.getVmUuid(), event.getHostId());
  }

  /** A guest event may touch only a VM that is unknown or on its host. */
  public Optional<Reason> guest(Connection connection, GuestEvent event) throws SQLException {
    return vmOnHost(connection, event.getVmUuid(), event.getHostId());
  }

  /**
   * A graphics event may touch only a session of its host, on a VM that is unknown or on its host.
   */
  public Optional<Reason> graphics(Connection connection, GraphicsEvent event) throws SQLException {
    Optional<Reason> vm = vmOnHost(connection, event.getVmUuid(), event.getHostId());
    if (vm.isPresent() || event.getSessionId().isEmpty()) {
      return vm;
    }
    Optional<UUID> sessionId = uuid(event.getSessionId());
    if (sessionId.isEmpty()) {
      return Optional.empty(); // malformed: the applier refuses it
    }
    Optional<ConsoleSession> session = sessions.find(connection, sessionId.get());
    if (session.isPresent() && !session.get().hostId().equals(event.getHostId())) {
      return Optional.of(Reason.SESSION_OF_ANOTHER_HOST);
    }
    return Optional.empty();
  }

  private Optional<Reason> vmOnHost(Connection connection, String vmUuid, String hostId)
      throws SQLException {
    Optional<UUID> vmId = uuid(vmUuid);
    if (vmId.isEmpty()) {
      return Optional.empty(); // malformed: the applier refuses it
    }
    Optional<VmListing> known = vms.find(connection, vmId.get());
    if (known.isPresent() && !known.get().vm().hostId().equals(hostId)) {
      return Optional.of(Reason.VM_OF_ANOTHER_HOST);
    }
    return Optional.empty();
  }

  private static Optional<UUID> uuid(String raw) {
    try {
      return Optional.of(UUID.fromString(raw));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
