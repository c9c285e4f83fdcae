package org.porthole.hostagent.ticket;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.status.PortholeStatus;

/** Ticket bookkeeping without libvirt: validates like the real one and remembers calls. */
public final class FakeTickets implements GraphicsTickets {
  private final Hypervisor hypervisor;
  private final Map<String, String> passwords = new ConcurrentHashMap<>();
  private final List<String> expired = new CopyOnWriteArrayList<>();
  private final Map<String, String> lastSet = new ConcurrentHashMap<>();

  public FakeTickets(Hypervisor hypervisor) {
    this.hypervisor = hypervisor;
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    TicketRules.validate(password, validSeconds);
    String uuid = DomainUuid.require(vmUuid);
    if (hypervisor.findDomain(uuid).isEmpty()) {
      throw new AgentException(PortholeStatus.NOT_FOUND, "no domain " + uuid);
    }
    passwords.put(uuid, password);
    lastSet.put(uuid, password);
    return Instant.now().plusSeconds(validSeconds);
  }

  @Override
  public void expire(String vmUuid) {
    expired.add(vmUuid);
    passwords.remove(vmUuid);
  }

  public List<String> expired() {
    return expired;
  }

  /** The last password set on the VM, expired since or not (what an attacker might have seen). */
  public String lastSet(String vmUuid) {
    return lastSet.get(vmUuid);
  }

  public String password(String vmUuid) {
    return passwords.get(vmUuid);
  }
}
