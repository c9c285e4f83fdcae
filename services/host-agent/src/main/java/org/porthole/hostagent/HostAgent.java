package org.porthole.hostagent;

import io.grpc.Server;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.config.Settings;
import org.porthole.hostagent.events.DomainEventRouter;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.events.HostHeartbeat;
import org.porthole.hostagent.events.KafkaEventPublisher;
import org.porthole.hostagent.events.TopicBootstrap;
import org.porthole.hostagent.grpc.AgentServer;
import org.porthole.hostagent.grpc.HostAgentService;
import org.porthole.hostagent.libvirt.GraphicsEvents;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.hostagent.libvirt.LifecycleEvents;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.TicketService;
import org.porthole.pki.TlsFiles;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.ReplayGuard;
import org.porthole.token.TokenVerifier;

/**
 * The running host agent: wires libvirt, Kafka, token verification and the gRPC server, and
 * takes them down in reverse order (consoles first, GOODBYE last before Kafka closes).
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HostAgent.class.getName());
  static final String SERVICE_NAME = "host-agent";
  private static final int MAX_CONSOLES = 256;
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
  private static final int EVENT_QUEUE = 10_000;
  private static final Duration KAFKA_CLOSE = Duration.ofSeconds(5);

  private final AgentIdentity identity;
  private final Server server;
  private final Deque<AutoCloseable> parts;

  private HostAgent(AgentIdentity identity, Server server, Deque<AutoCloseable> parts) {
    this.identity = identity;
    this.server = server;
    this.parts = parts;
  }

  /** Starts every part; on failure, closes what was started and rethrows. */
  public static HostAgent start(Settings settings) throws AgentException, IOException {
    AgentConfig config = AgentConfig.from(settings);
    Clock clock = Clock.systemUTC();
    AgentIdentity identity = AgentIdentity.forThisProcess(config.hostId(), clock.instant());
    Deque<AutoCloseable> parts = new ArrayDeque<>();
    try {
      return wire(settings, config, clock, identity, parts);
    } catch (AgentException | IOException | RuntimeException e) {
      closeAll(parts);
      throw e;
    }
  }

  private static HostAgent wire(Settings settings, AgentConfig config, Clock clock,
      AgentIdentity identity, Deque<AutoCloseable> parts) throws AgentException, IOException {
    LibvirtSession libvirt = push(parts, LibvirtSession.open(config.libvirtUri()));
    LibvirtInventory inventory = new LibvirtInventory(libvirt);
    TicketService tickets = new TicketService(libvirt.connect(), clock);
    RelayRegistry registry = new RelayRegistry(clock);

    KafkaEventPublisher publisher = new KafkaEventPublisher(
        KafkaEventPublisher.producer(config.kafkaBootstrap(), "porthole-host-agent"), EVENT_QUEUE);
    parts.push(() -> publisher.close(KAFKA_CLOSE));
    push(parts, TopicBootstrap.start(config.kafkaBootstrap()));
    EventFactory factory = new EventFactory(identity, clock);
    DomainEventRouter router =
        push(parts, new DomainEventRouter(registry, tickets, inventory, publisher, factory));
    push(parts, GraphicsEvents.register(libvirt, router::onGraphics, clock));
    push(parts, LifecycleEvents.register(libvirt, router::onLifecycle, clock));
    push(parts, HostHeartbeat.start(publisher, factory, identity.hostId()));

    TokenVerifier verifier = new TokenVerifier(new HttpJwksKeys(config.jwksUrl(), clock),
        config.tokenIssuer(), config.tokenAudience(), clock);
    ConsoleAuthorizer authorizer = new ConsoleAuthorizer(
        verifier, new ReplayGuard(clock), identity.hostId(), identity.startedAt());
    ConsoleRelays relays = push(parts, new ConsoleRelays(
        authorizer, new VncTargets(inventory), registry, MAX_CONSOLES, OPEN_TIMEOUT));

    Server server = AgentServer.start(config.bindAddress(), config.port(),
        TlsFiles.resolve(settings, SERVICE_NAME).serverCredentials(),
        new HostAgentService(identity, inventory, tickets, relays));
    parts.push(() -> stopServer(server));
    int domains = inventory.listDomains().size(); // logs exposed graphics once, at start
    LOG.log(Level.INFO, "host agent {0} serving gRPC (mutual TLS) on {1}:{2,number,#}; libvirt {3}"
        + " ({4} domains); Kafka {5}", new Object[] {identity.hostId(), config.bindAddress(),
        server.getPort(), config.libvirtUri(), domains, config.kafkaBootstrap()});
    return new HostAgent(identity, server, parts);
  }

  public AgentIdentity identity() {
    return identity;
  }

  /** The bound port (useful when configured as an ephemeral one in tests). */
  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    LOG.info("host agent stopping");
    closeAll(parts);
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> parts, T part) {
    parts.push(part);
    return part;
  }

  private static void stopServer(Server server) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }

  private static void closeAll(Deque<AutoCloseable> parts) {
    while (!parts.isEmpty()) {
      AutoCloseable part = parts.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping " + part.getClass().getSimpleName() + " failed", e);
      }
    }
  }
}
