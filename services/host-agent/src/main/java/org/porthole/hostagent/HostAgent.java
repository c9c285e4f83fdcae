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
import org.porthole.admin.AdminAddress;
import org.porthole.admin.AdminServer;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.admin.metrics.ServiceMeters;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.hostagent.authz.CallerIdentity;
import org.porthole.hostagent.authz.RefusalLog;
import org.porthole.hostagent.authz.RoleInterceptor;
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
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.OpenConsoleCount;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.sso.LiveSessions;
import org.porthole.hostagent.sso.SsoLimits;
import org.porthole.hostagent.sso.SsoRelays;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.kafka.refusal.RefusalPublisher;
import org.porthole.kafka.refusal.RefusalSink;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.status.PortholeStatus;
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

  /**
   * Unary calls (inventory, PrepareConsole, EndConsoles) may wait on libvirt: a small pool that
   * idles to zero.
   */
  private static final int UNARY_THREADS = 16;

  private static final int UNARY_QUEUE = 1024;
  private static final long UNARY_IDLE_SECONDS = 5;
  private static final int EVENT_QUEUE = 10_000;
  private static final Duration KAFKA_CLOSE = Duration.ofSeconds(5);

  private static final String LIBVIRT_LOST = "the host agent lost its libvirt connection";

  /** {@code ConsoleRefusal.source} of this service. */
  private static final String REFUSAL_SOURCE = "host-agent";

  private final AgentIdentity identity;
  private final Server server;
  private final ConsoleRelays relays;
  private final AdminServer admin;
  private final Deque<AutoCloseable> parts;

  private HostAgent(
      AgentIdentity identity,
      Server server,
      ConsoleRelays relays,
      AdminServer admin,
      Deque<AutoCloseable> parts) {
    this.identity = identity;
    this.server = server;
    this.relays = relays;
    this.admin = admin;
    this.parts = parts;
  }

  /** Starts the agent on libvirt; on failure, closes what was started and rethrows. */
  public static HostAgent start(Settings settings) throws AgentException, IOException {
    return start(settings, new LibvirtBackend());
  }

  /** Starts every part over {@code backend}; on failure, closes what was started and rethrows. */
  public static HostAgent start(Settings settings, AgentBackend backend)
      throws AgentException, IOException {
    AgentConfig config = AgentConfig.from(settings);
    if (backend.needsEvents() && !config.publishesEvents()) {
      throw new ConfigException(
          AgentConfig.KAFKA_BOOTSTRAP,
          AgentConfig.KAFKA_BOOTSTRAP
              + "=none is refused: a real agent must publish its events (the engine learns its"
              + " VMs and consoles from them)");
    }
    AdminAddress adminAddress = AgentAdmin.address(settings);
    Clock clock = Clock.systemUTC();
    AgentIdentity identity = AgentIdentity.forThisProcess(config.hostId(), clock.instant());
    Deque<AutoCloseable> parts = new ArrayDeque<>();
    try {
      return wire(settings, config, backend, clock, identity, adminAddress, parts);
    } catch (AgentException | IOException | RuntimeException e) {
      closeAll(parts);
      throw e;
    }
  }

  private static HostAgent wire(
      Settings settings,
      AgentConfig config,
      AgentBackend backend,
      Clock clock,
      AgentIdentity identity,
      AdminAddress adminAddress,
      Deque<AutoCloseable> parts)
      throws AgentException, IOException {
    ServiceMeters meters = push(parts, ServiceMeters.create(AgentAdmin.SERVICE));
    ConsoleMeters consoles = new ConsoleMeters(meters.registry());
    RelayRegistry registry = new RelayRegistry(clock);
    Optional<KafkaClientSettings> kafka =
        config.publishesEvents()
            ? Optional.of(KafkaClientSettings.from(settings))
            : Optional.empty();
    EventSink sink =
        kafka.isPresent() ? startKafka(kafka.get(), config.hostId(), meters, parts) : null;
    RefusalSink refusals =
        kafka.isPresent()
            ? push(parts, RefusalPublisher.start(kafka.get(), REFUSAL_SOURCE, config.hostId()))
            : RefusalSink.NONE;
    EventFactory factory = new EventFactory(identity, clock);
    ConsolePolicies policies = new ConsolePolicies();
    AgentBackend.Opened opened =
        backend.open(
            new AgentBackend.Wiring(
                config,
                clock,
                identity,
                registry,
                policies,
                Optional.ofNullable(sink),
                factory,
                parts));
    AgentAdmin.meterGuests(meters, opened.guests());
    LiveSessions live = new LiveSessions();
    List<RelayListener> listeners =
        relayListeners(sink, factory, identity, opened, consoles, live, parts);
    ConsoleRelays relays =
        push(
            parts,
            consoleRelays(
                config, identity, clock, opened, registry, listeners, refusals, consoles));
    // A console outlives nothing it cannot see: without libvirt no GRAPHICS event, lifecycle
    // event or password expiry reaches the agent, so its consoles end, to be opened again.
    opened.hypervisor().whenConnectionLost(() -> endConsolesOnOutage(relays));
    SsoRelays sso = push(parts, ssoRelays(config, opened, relays, live, refusals));
    opened.guests().addSsoListener(sso::guestFinished);
    HostAgentService service =
        new HostAgentService(
            identity,
            opened.hypervisor(),
            relays,
            opened.guests(),
            policies,
            opened.actions(),
            sso);
    Server server = startServer(settings, config, clock, service, relays, parts);
    logStarted(config, identity, server, opened.hypervisor());
    AdminServer admin = AgentAdmin.start(adminAddress, meters, server, opened.hypervisor(), parts);
    return new HostAgent(identity, server, relays, admin, parts);
  }

  private static void endConsolesOnOutage(ConsoleRelays relays) {
    int ended = relays.endAll(PortholeStatus.UPSTREAM_UNAVAILABLE, LIBVIRT_LOST);
    LOG.log(Level.INFO, "{0} console(s) ended: {1}", new Object[] {ended, LIBVIRT_LOST});
  }

  /** Who hears each relay's start and end: events, heartbeat, the backend's, metrics, SSO. */
  private static List<RelayListener> relayListeners(
      EventSink sink,
      EventFactory factory,
      AgentIdentity identity,
      AgentBackend.Opened opened,
      ConsoleMeters consoles,
      LiveSessions live,
      Deque<AutoCloseable> parts) {
    List<RelayListener> listeners = new ArrayList<>();
    if (sink != null) {
      listeners.add(new RelayEvents(sink, factory));
      push(parts, HostHeartbeat.start(sink, factory, identity.hostId()));
    }
    listeners.addAll(opened.listeners());
    listeners.add(new OpenConsoleCount(consoles));
    listeners.add(live);
    return listeners;
  }

  /** The console relays, each of whose starts and ends {@code listeners} hear. */
  private static ConsoleRelays consoleRelays(
      AgentConfig config,
      AgentIdentity identity,
      Clock clock,
      AgentBackend.Opened opened,
      RelayRegistry registry,
      List<RelayListener> listeners,
      RefusalSink refusals,
      ConsoleMeters consoles) {
    return new ConsoleRelays(
        authorizer(config, identity, clock, consoles),
        opened.targets(),
        registry,
        opened.turns(),
        new ConsoleRelays.RelayLimits(
            config.maxConsoles(), config.maxConsolesPerVm(), OPEN_TIMEOUT, AUTH_TIMEOUT),
        RelayListener.all(listeners),
        refusals,
        consoles);
  }

  /** The SSO channels beside the consoles of {@code relays}; one per VM, the host's cap. */
  private static SsoRelays ssoRelays(
      AgentConfig config,
      AgentBackend.Opened opened,
      ConsoleRelays relays,
      LiveSessions live,
      RefusalSink refusals) {
    return new SsoRelays(
        relays,
        live,
        opened.guests(),
        opened.ssoPorts(),
        refusals,
        SsoLimits.defaults(config.maxConsoles()));
  }

  /** Every console token is checked here: JWKS signature, claims, host, replay, agent start. */
  private static ConsoleAuthorizer authorizer(
      AgentConfig config, AgentIdentity identity, Clock clock, ConsoleMeters consoles) {
    TokenVerifier verifier =
        new TokenVerifier(
            new HttpJwksKeys(config.jwksUrl(), clock, config.jwksTrust()),
            config.tokenIssuer(),
            config.tokenAudience(),
            clock);
    return new ConsoleAuthorizer(
        verifier, new ReplayGuard(clock), identity.hostId(), identity.startedAt(), consoles);
  }

  /** The mutual-TLS gRPC server with its pool for unary calls; both stop with the agent. */
  private static Server startServer(
      Settings settings,
      AgentConfig config,
      Clock clock,
      HostAgentService service,
      ConsoleRelays relays,
      Deque<AutoCloseable> parts)
      throws IOException {
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
            ServerTls.of(TlsFiles.resolve(settings, ServiceIdentity.hostAgent(config.hostId()))),
            new RoleInterceptor(CallerIdentity.FROM_TLS, new RefusalLog(clock)),
            service,
            unaryCalls,
            relays.loops());
    parts.push(() -> stopServer(server));
    return server;
  }

  private static EventSink startKafka(
      KafkaClientSettings kafka, String hostId, ServiceMeters meters, Deque<AutoCloseable> parts) {
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(
            KafkaEventPublisher.producer(kafka, "porthole-host-agent"),
            hostId,
            EVENT_QUEUE,
            meters.registry());
    parts.push(() -> publisher.close(KAFKA_CLOSE));
    push(parts, TopicBootstrap.start(kafka, hostId));
    return publisher;
  }

  /** Lists the domains at start, which also logs exposed graphics once. */
  private static void logStarted(
      AgentConfig config, AgentIdentity identity, Server server, Hypervisor hypervisor)
      throws AgentException {
    LOG.log(
        Level.INFO,
        "host agent {0} serving gRPC (mutual TLS) on {1}:{2,number,#}; hypervisor {3}"
            + " ({4} domains); Kafka {5}; at most {6,number,#} consoles; token keys from {7}"
            + " (trusting {8})",
        new Object[] {
          identity.hostId(),
          config.bindAddress(),
          server.getPort(),
          hypervisor.uri(),
          hypervisor.listDomains().size(),
          config.kafkaBootstrap(),
          config.maxConsoles(),
          config.jwksUrl(),
          config.jwksTrust().description()
        });
  }

  /** The console relays (tests read their counters). */
  public ConsoleRelays relays() {
    return relays;
  }

  public AgentIdentity identity() {
    return identity;
  }

  /** The admin port (health and metrics). */
  public AdminServer admin() {
    return admin;
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
