package org.porthole.wsproxy.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.porthole.admin.AdminAddress;
import org.porthole.admin.AdminServer;
import org.porthole.admin.health.CheckResult;
import org.porthole.admin.health.HealthCheck;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.admin.metrics.ServiceMeters;
import org.porthole.config.Settings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.token.HttpJwksKeys;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.refusal.DeferredRefusals;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.refusal.RefusalReporter;
import org.porthole.wsproxy.relay.AgentChannels;
import org.porthole.wsproxy.relay.AgentKeepAlive;
import org.porthole.wsproxy.token.ConsoleAuthenticator;
import org.porthole.wsproxy.token.PrefetchedKeys;

/**
 * The ws-proxy assembled from configuration: the engine's JWKS (fetched at start and retried every
 * 10 s until it answers, on its own thread), token verification (on the event loop, or on a pool
 * when {@code porthole.proxy.verify-threads} &gt; 0), a one-thread executor for tokens whose key
 * must be fetched first, the mutual-TLS channels to host agents, the listener, and the admin port
 * ({@code porthole.proxy.admin-bind}/{@code -port}: health, ready once the keys are loaded, and
 * metrics).
 */
public final class ProxyApplication implements AutoCloseable {

  /** Service name of the proxy's certificate in the development PKI. */
  /** Tokens waiting for verification beyond this many are refused (1014) instead of queueing. */
  static final int VERIFY_QUEUE = 4096;

  /** Tokens waiting for a key fetch beyond this many are refused (1014) instead of queueing. */
  static final int FETCH_QUEUE = 1024;

  /**
   * Threads that verify tokens; 0 verifies on the connection's event loop. BouncyCastle's Ed25519
   * costs ~60–80 µs per token, cheap enough for the loop, and saves two thread hops per console
   * (measured set-up rates in the README).
   */
  public static final String KEY_VERIFY_THREADS = "porthole.proxy.verify-threads";

  static final int DEFAULT_VERIFY_THREADS = 0;
  static final int MAX_VERIFY_THREADS = 64;
  static final long PREFETCH_RETRY_SECONDS = HttpJwksKeys.MIN_REFRESH_INTERVAL.toSeconds();

  /** Prefix of the admin port's keys: {@code porthole.proxy.admin-bind}, {@code .admin-port}. */
  public static final String ADMIN_PREFIX = "porthole.proxy";

  static final int DEFAULT_ADMIN_PORT = 9181;
  static final String SERVICE = "ws-proxy";

  private static final System.Logger LOG = System.getLogger(ProxyApplication.class.getName());

  private final ScheduledExecutorService prefetcher;
  private final ThreadPoolExecutor verifier;
  private final ThreadPoolExecutor fetcher;
  private final AgentChannels agents;
  private final ProxyServer server;
  private final ServiceMeters meters;
  private final AdminServer admin;

  /** The refusal publisher {@link #start(Settings)} made, closed with the proxy. */
  private volatile RefusalReporter ownedRefusals = RefusalReporter.NONE;

  private ProxyApplication(
      ScheduledExecutorService prefetcher,
      ThreadPoolExecutor verifier,
      ThreadPoolExecutor fetcher,
      AgentChannels agents,
      ProxyServer server,
      ServiceMeters meters,
      AdminServer admin) {
    this.prefetcher = prefetcher;
    this.verifier = verifier;
    this.fetcher = fetcher;
    this.agents = agents;
    this.server = server;
    this.meters = meters;
    this.admin = admin;
  }

  /**
   * Starts everything configured in {@code settings}; refused connections are published to Kafka
   * for the engine's audit ({@link KafkaRefusals}: as the proxy's own Kafka user, required unless
   * {@code porthole.kafka.bootstrap=none}). The listener opens before the Kafka producer is built;
   * refusals in between wait in {@link DeferredRefusals}.
   *
   * @throws org.porthole.config.ConfigException when a setting is unusable
   */
  public static ProxyApplication start(Settings settings) throws InterruptedException {
    ProxyConfig config = ProxyConfig.from(settings);
    Supplier<RefusalReporter> publisher =
        KafkaRefusals.prepare(settings, config.bind() + ":" + config.port());
    DeferredRefusals refusals = new DeferredRefusals();
    ProxyApplication app = start(settings, refusals);
    try {
      RefusalReporter built = publisher.get();
      app.ownedRefusals = built;
      refusals.attach(built);
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  /**
   * Starts everything configured in {@code settings}; refused connections go to {@code refusals}.
   *
   * @throws org.porthole.config.ConfigException when a setting is unusable
   */
  public static ProxyApplication start(Settings settings, RefusalReporter refusals)
      throws InterruptedException {
    ProxyConfig config = ProxyConfig.from(settings);
    AdmissionLimits limits = AdmissionLimits.from(settings);
    TlsFiles tls = TlsFiles.resolve(settings, ServiceIdentity.wsProxy());
    AgentChannels agents =
        new AgentChannels(
            hostId -> tls.channelCredentials(ServiceIdentity.hostAgent(hostId)),
            AgentKeepAlive.from(settings));
    HttpJwksKeys jwks = new HttpJwksKeys(config.jwksUrl(), Clock.systemUTC(), config.jwksTrust());
    PrefetchedKeys keys = new PrefetchedKeys(jwks);
    ScheduledExecutorService prefetcher =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("ws-proxy-jwks", true));
    prefetcher.scheduleWithFixedDelay(
        () -> prefetch(keys, config, prefetcher), 0, PREFETCH_RETRY_SECONDS, TimeUnit.SECONDS);
    ThreadPoolExecutor verifier = verifier(settings);
    Executor verifyOn = verifier == null ? Runnable::run : verifier;
    ThreadPoolExecutor fetcher =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(FETCH_QUEUE),
            new DefaultThreadFactory("ws-proxy-key-fetch", true));
    ConsoleAuthenticator authenticator =
        ConsoleAuthenticator.over(
            keys, config.issuer(), config.audience(), Clock.systemUTC(), verifyOn, fetcher);
    AdminAddress adminAddress = AdminAddress.from(settings, ADMIN_PREFIX, DEFAULT_ADMIN_PORT);
    ServiceMeters meters = ServiceMeters.create(SERVICE);
    ProxyServer server = null;
    try {
      server =
          ProxyServer.start(
              config,
              limits,
              refusals,
              authenticator,
              agents,
              new ConsoleMeters(meters.registry()));
      AdminServer admin = startAdmin(adminAddress, server, keys, jwks, config, meters);
      return new ProxyApplication(prefetcher, verifier, fetcher, agents, server, meters, admin);
    } catch (InterruptedException | RuntimeException e) {
      prefetcher.shutdownNow();
      if (verifier != null) {
        verifier.shutdownNow();
      }
      fetcher.shutdownNow();
      agents.close();
      if (server != null) {
        server.close();
      }
      meters.close();
      throw e;
    }
  }

  /** The pool that verifies tokens, or null to verify on the event loop. */
  private static ThreadPoolExecutor verifier(Settings settings) {
    int verifyThreads =
        settings.getInt(KEY_VERIFY_THREADS, DEFAULT_VERIFY_THREADS, 0, MAX_VERIFY_THREADS);
    return verifyThreads == 0
        ? null
        : new ThreadPoolExecutor(
            verifyThreads,
            verifyThreads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(VERIFY_QUEUE),
            new DefaultThreadFactory("ws-proxy-verify", true));
  }

  /**
   * Liveness: the listener and its loops run. Readiness: the engine's keys are loaded; until then
   * the check says why the last fetch failed (an untrusted certificate, say).
   */
  private static AdminServer startAdmin(
      AdminAddress address,
      ProxyServer server,
      PrefetchedKeys keys,
      HttpJwksKeys jwks,
      ProxyConfig config,
      ServiceMeters meters) {
    HealthCheck loops =
        HealthCheck.of(
            "event-loops",
            () -> server.serving() ? CheckResult.UP : CheckResult.down("the listener is closed"));
    HealthCheck verificationKeys =
        HealthCheck.of(
            "verification-keys",
            () ->
                (keys.loaded()
                        ? CheckResult.UP
                        : CheckResult.down(
                            jwks.lastFailure()
                                .map(reason -> "no keys from the engine yet: " + reason)
                                .orElse("no keys from the engine yet")))
                    .with("jwks", config.jwksUrl().toString())
                    .with("trust", config.jwksTrust().description()));
    try {
      AdminServer admin =
          AdminServer.builder(meters::scrape)
              .liveness(loops)
              .readiness(verificationKeys)
              .start(address);
      LOG.log(Level.INFO, "ws-proxy admin (health, metrics) on {0}", admin.url());
      return admin;
    } catch (IOException e) {
      throw address.cannotListen(ADMIN_PREFIX, e);
    }
  }

  private static void closeQuietly(RefusalReporter refusals) {
    if (refusals instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing the refusal publisher: {0}", e.toString());
      }
    }
  }

  private static void prefetch(
      PrefetchedKeys keys, ProxyConfig config, ScheduledExecutorService prefetcher) {
    if (keys.loaded() || keys.prefetch()) {
      LOG.log(
          Level.INFO,
          "console token keys loaded from {0} (trusting {1})",
          config.jwksUrl(),
          config.jwksTrust().description());
      prefetcher.shutdown();
      return;
    }
    LOG.log(
        Level.WARNING,
        "no console token keys from {0} yet; retrying every {1} s",
        config.jwksUrl(),
        PREFETCH_RETRY_SECONDS);
  }

  /** The proxy's bound listener. */
  public ProxyServer server() {
    return server;
  }

  /** The admin port (health and metrics). */
  public AdminServer admin() {
    return admin;
  }

  /** Blocks until the listener is closed. */
  public void awaitTermination() throws InterruptedException {
    server.awaitClosed();
  }

  @Override
  public void close() {
    admin.close();
    // The agent channels run on the server's event loops: end them before the loops stop.
    server.stopAccepting();
    agents.close();
    server.close();
    prefetcher.shutdownNow();
    if (verifier != null) {
      verifier.shutdownNow();
    }
    fetcher.shutdownNow();
    closeQuietly(ownedRefusals);
    meters.close();
  }
}
