package org.porthole.engine.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/**
 * A stand-in host agent, with mutual TLS from the stack's PKI, whose running VMs the engine has
 * learned: the agent lists them, one heartbeat makes the engine ask, and each is awaited in the
 * inventory. An IT starts one in its first {@code @BeforeEach} (the PKI dir is injected there),
 * takes one VM per test with {@link #nextVm} so that grants and pins of one test never leak into
 * another, and closes it in {@code @AfterAll}.
 */
public final class LearnedHost implements AutoCloseable {

  /** Long enough that the host stays online for the whole class. */
  private static final int HEARTBEAT_TIMEOUT_SECONDS = 600;

  private final FakeHostAgent agent;
  private final EventSender events;
  private final List<UUID> vms;
  private int next;

  private LearnedHost(FakeHostAgent agent, EventSender events, List<UUID> vms) {
    this.agent = agent;
    this.events = events;
    this.vms = vms;
  }

  /** A host with {@code vmCount} new running VMs named {@code namePrefix + id}. */
  public static LearnedHost start(String pkiDir, String namePrefix, int vmCount)
      throws IOException {
    return start(pkiDir, namePrefix, Stream.generate(UUID::randomUUID).limit(vmCount).toList());
  }

  /** A host with the given running VMs, named {@code namePrefix + id}. */
  public static LearnedHost start(String pkiDir, String namePrefix, List<UUID> vms)
      throws IOException {
    FakeHostAgent agent = FakeHostAgent.start(Path.of(pkiDir));
    EventSender events = null;
    try {
      events = new EventSender();
      agent.setDomains(
          vms.stream()
              .map(
                  id ->
                      AgentMessages.domain(
                          id.toString(), namePrefix + id, DomainState.DOMAIN_STATE_RUNNING, true))
              .toList());
      events.heartbeat(agent.hostId(), UUID.randomUUID().toString(), HEARTBEAT_TIMEOUT_SECONDS);
      vms.forEach(EngineApi::awaitVm);
      return new LearnedHost(agent, events, List.copyOf(vms));
    } catch (RuntimeException | Error e) {
      agent.close();
      if (events != null) {
        events.close();
      }
      throw e;
    }
  }

  /** The stand-in agent: what it was asked, and how it answers next. */
  public FakeHostAgent agent() {
    return agent;
  }

  /** The producer that sent the heartbeat, for the IT's own events. */
  public EventSender events() {
    return events;
  }

  /** Every VM of the host, in the order {@link #nextVm} hands them out. */
  public List<UUID> vms() {
    return vms;
  }

  /** A VM no earlier test of the class was given. */
  public synchronized UUID nextVm() {
    if (next == vms.size()) {
      throw new IllegalStateException(
          "all " + vms.size() + " VMs of the host are taken: start it with more");
    }
    return vms.get(next++);
  }

  @Override
  public void close() {
    agent.close();
    events.close();
  }
}
