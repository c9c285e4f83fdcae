package org.porthole.hostagent;

import io.grpc.Server;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.config.Settings;
import org.porthole.hostagent.authz.CallerIdentity;
import org.porthole.hostagent.authz.RefusalLog;
import org.porthole.hostagent.authz.RoleInterceptor;
import org.porthole.hostagent.bench.BenchmarkBackend;
import org.porthole.hostagent.bench.BenchmarkHypervisor;
import org.porthole.hostagent.bench.BenchmarkPasswords;
import org.porthole.hostagent.events.DomainEventRouter;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.events.EventSink;
import org.porthole.hostagent.events.HostHeartbeat;
import org.porthole.hostagent.events.KafkaEventPublisher;
import org.porthole.hostagent.events.RelayEvents;
import org.porthole.hostagent.events.TopicBootstrap;
import org.porthole.hostagent.grpc.AgentServer;
import org.porthole.hostagent.grpc.HostAgentService;
import org.porthole.hostagent.grpc.ServerTls;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.GuestChannels;
import org.porthole.hostagent.guest.GuestTimings;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.guest.LibvirtGuestSockets;
import org.porthole.hostagent.libvirt.GraphicsEvents;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.hostagent.libvirt.LifecycleEvents;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.ConsoleTargets;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.hostagent.ticket.StartedDomains;
import org.porthole.hostagent.ticket.TicketService;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.kafka.refusal.RefusalPublisher;
import org.porthole.kafka.refusal.RefusalSink;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.ReplayGuard;
import org.porthole.token.TokenVerifier;

/**
 * The running host agent: wires libvirt, Kafka, token verification and the gRPC server, and takes
 * them down in reverse order (consoles first, GOODBYE last before Kafka closes).
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HostAgent.class.getName());
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

  /** From a relay's password set to QEMU's SecurityResult; the password lives a little longer. */
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(10);

  private static final int PASSWORD_THREADS = 2;

  /**
   * Unary calls (inventory, PrepareConsole, EndConsoles) may wait on libvirt: a small pool that
   * idles to zero.
   */
  private static final int UNARY_THREADS = 16;

  private static final int UNARY_QUEUE = 1024;
  private static final long UNARY_IDLE_SECONDS = 5;
  private static final int EVENT_QUEUE = 10_000;
  private static final Duration KAFKA_CLOSE = Duration.ofSeconds(5);

  /** {@code ConsoleRefusal.source} of this service. */
  private static final String REFUSAL_SOURCE = "host-agent";

  private final AgentIdentity identity;
  private final Server server;
  private final ConsoleRelays relays;
  private final Deque<AutoCloseable> parts;

  private HostAgent(
      AgentIdentity identity, Server server, ConsoleRelays relays, Deque<AutoCloseable> parts) {
    this.identity = identity;
    this.server = server;
    this.relays = relays;
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

  private static HostAgent wire(
      Settings settings,
      AgentConfig config,
      Clock clock,
      AgentIdentity identity,
      Deque<AutoCloseable> parts)
      throws AgentException, IOException {
    RelayRegistry registry = new RelayRegistry(clock);
    Optional<KafkaClientSettings> kafka =
        config.publishesEvents()
            ? Optional.of(KafkaClientSettings.from(settings))
            : Optional.empty();
    EventSink sink = kafka.isPresent() ? startKafka(kafka.get(), config.hostId(), parts) : null;
    RefusalSink refusals =
        kafka.isPresent()
            ? push(parts, RefusalPublisher.start(kafka.get(), REFUSAL_SOURCE, config.hostId()))
            : RefusalSink.NONE;
    EventFactory factory = new EventFactory(identity, clock);
    Hypervisor hypervisor;
    ConsoleTargets targets;
    PasswordTurns turns;
    ConsolePolicies policies = new ConsolePolicies();
    Guests guests = Guests.NONE;
    DisconnectActions actions = null;
    List<RelayListener> relayListeners = new ArrayList<>();
    if (sink != null) {
      relayListeners.add(new RelayEvents(sink, factory));
    }
    if (config.benchmark()) {
      hypervisor = new BenchmarkHypervisor();
      turns = push(parts, new PasswordTurns(BenchmarkPasswords.NONE, clock, PASSWORD_THREADS));
      targets = new BenchmarkBackend(config.consoleBackend().orElseThrow());
    } else {
      LibvirtSession libvirt = push(parts, LibvirtSession.open(config.libvirtUri()));
      LibvirtInventory inventory = new LibvirtInventory(libvirt);
      TicketService passwords = new TicketService(libvirt.connect(), clock);
      turns = push(parts, new PasswordTurns(passwords, clock, PASSWORD_THREADS));
      GuestChannels channels =
          push(
              parts,
              new GuestChannels(
                  new LibvirtGuestSockets(libvirt.connect()),
                  GuestTimings.DEFAULT,
                  clock,
                  identity.agentVersion(),
                  state ->
                      sink.publish(
                          EventTopics.Stream.GUESTS, state.vmUuid(), factory.guestState(state))));
      actions =
          push(
              parts,
              new DisconnectActions(
                  channels,
                  policies,
                  (vm, action, confirmed, reason, state) ->
                      sink.publish(
                          EventTopics.Stream.GUESTS,
                          vm,
                          factory.disconnectAction(state, action, confirmed, reason))));
      relayListeners.add(actions);
      DomainEventRouter router =
          push(
              parts,
              new DomainEventRouter(
                  registry,
                  turns,
                  inventory,
                  sink,
                  factory,
                  List.of(channels, new StartedDomains(turns))));
      push(parts, GraphicsEvents.register(libvirt, router::onGraphics, clock));
      push(parts, LifecycleEvents.register(libvirt, router::onLifecycle, clock));
      channels.scan();
      guests = channels;
      hypervisor = inventory;
      targets = new VncTargets(inventory);
    }
    if (sink != null) {
      push(parts, HostHeartbeat.start(sink, factory, identity.hostId()));
    }

    TokenVerifier verifier =
        new TokenVerifier(
            new HttpJwksKeys(config.jwksUrl(), clock),
            config.tokenIssuer(),
            config.tokenAudience(),
            clock);
    ConsoleAuthorizer authorizer =
        new ConsoleAuthorizer(
            verifier, new ReplayGuard(clock), identity.hostId(), identity.startedAt());
    ConsoleRelays relays =
        push(
            parts,
            new ConsoleRelays(
                authorizer,
                targets,
                registry,
                turns,
                new ConsoleRelays.RelayLimits(
                    config.maxConsoles(), config.maxConsolesPerVm(), OPEN_TIMEOUT, AUTH_TIMEOUT),
                RelayListener.all(relayListeners),
                refusals));

    ThreadPoolExecutor unaryCalls =
        new ThreadPoolExecutor(
            UNARY_THREADS,
            UNARY_THREADS,
            UNARY_IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(UNARY_QUEUE),
            new DefaultThreadFactory("agent-calls", true));
    unaryCalls.allowCoreThreadTimeOut(true);
    parts.push(unaryCalls::shutdownNow);
    Server server =
        AgentServer.start(
            config.bindAddress(),
            config.port(),
            ServerTls.of(TlsFiles.resolve(settings, ServiceIdentity.hostAgent(identity.hostId()))),
            new RoleInterceptor(CallerIdentity.FROM_TLS, new RefusalLog(clock)),
            new HostAgentService(identity, hypervisor, relays, guests, policies, actions),
            unaryCalls,
            relays.loops());
    parts.push(() -> stopServer(server));
    logStarted(config, identity, server, hypervisor.listDomains().size());
    return new HostAgent(identity, server, relays, parts);
  }

  private static EventSink startKafka(
      KafkaClientSettings kafka, String hostId, Deque<AutoCloseable> parts) {
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(
            KafkaEventPublisher.producer(kafka, "porthole-host-agent"), hostId, EVENT_QUEUE);
    parts.push(() -> publisher.close(KAFKA_CLOSE));
    push(parts, TopicBootstrap.start(kafka, hostId));
    return publisher;
  }

  /** {@code domains}: listing them at start also logs exposed graphics once. */
  private static void logStarted(
      AgentConfig config, AgentIdentity identity, Server server, int domains) {
    LOG.log(
        Level.INFO,
        "host agent {0} serving gRPC (mutual TLS) on {1}:{2,number,#}; libvirt {3}"
            + " ({4} domains); Kafka {5}; at most {6,number,#} consoles",
        new Object[] {
          identity.hostId(),
          config.bindAddress(),
          server.getPort(),
          config.libvirtUri(),
          domains,
          config.kafkaBootstrap(),
          config.maxConsoles()
        });
    if (config.benchmark()) {
      LOG.log(
          Level.WARNING,
          "BENCHMARK MODE: no libvirt, every console with a valid token is" + " relayed to {0}{1}",
          new Object[] {
            config.consoleBackend().orElseThrow(),
            config.publishesEvents() ? "" : "; no events are published"
          });
    }
  }

  /** The console relays (tests read their counters). */
  public ConsoleRelays relays() {
    return relays;
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
