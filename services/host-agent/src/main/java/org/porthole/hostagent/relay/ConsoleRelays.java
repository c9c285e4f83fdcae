package org.porthole.hostagent.relay;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.kafka.refusal.RefusalSink;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Opens console relays for {@code OpenConsole} calls and owns the few threads they share.
 *
 * <p>Threading model (no thread per console): gRPC delivers each call's callbacks serially (the
 * server runs them on its transport thread, see {@code AgentServer}); they never block. The token
 * check and the target lookup run on {@code console-verify}, a fixed pool of one thread per core
 * with a queue bounded by {@code maxConsoles}. The gRPC connections and the sockets to QEMU share
 * {@code console-io}, one event loop per core ({@link BackendLoops}); a console's QEMU socket lives
 * on its gRPC connection's loop, which also runs its open-frame deadline. Backpressure: a relay
 * asks QEMU's socket for one chunk only while the gRPC call {@code isReady()}, and requests the
 * next client message only after the previous one was written to QEMU. At most {@code maxConsoles}
 * consoles are open or opening, and at most {@code maxPerVm} per VM (below QEMU's 32 VNC clients);
 * more are refused with OVERLOADED (gRPC RESOURCE_EXHAUSTED, WebSocket 1013) rather than queued.
 */
public final class ConsoleRelays implements AutoCloseable {
  /** The largest data frame either way (docs/contracts.md). */
  public static final int MAX_CHUNK_BYTES = 64 * 1024;

  private final ConsoleAuthorizer authorizer;
  private final RefusalSink refusals;
  private final ConsoleTargets targets;
  private final RelayRegistry registry;
  private final PasswordTurns turns;
  private final RelayLimits limits;
  private final RelayListener listener;
  private final BackendLoops loops;
  private final ThreadPoolExecutor verifiers;
  private final AtomicInteger admitted = new AtomicInteger();
  private final Set<ConsoleStream> active = ConcurrentHashMap.newKeySet();
  private final EndedSessions ended = new EndedSessions(Clock.systemUTC());

  /** Consoles bound to each VM (lower-case UUID); guarded by {@code ended}. */
  private final Map<String, Integer> perVm = new HashMap<>();

  private final LongAdder bytesFromBackend = new LongAdder();
  private final LongAdder bytesToClients = new LongAdder();
  private final ConsoleMeters meters;
  private final Counter metersToVm;
  private final Counter metersToClient;

  /**
   * The limits of a host's relays (docs/contracts.md): consoles, the open frame's deadline, QEMU's
   * handshake's, and how long a console may wait for its VM's password turn. A console must be
   * logged in within the sum of the last three from its open frame ({@link #loginTimeout}).
   */
  public record RelayLimits(
      int maxConsoles,
      int maxPerVm,
      Duration openTimeout,
      Duration authTimeout,
      Duration queueTimeout) {
    /** The default wait for a VM's password turn: 30 consoles of one VM, ~1 s each under load. */
    public static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(30);

    public RelayLimits(int maxConsoles, int maxPerVm, Duration openTimeout, Duration authTimeout) {
      this(maxConsoles, maxPerVm, openTimeout, authTimeout, QUEUE_TIMEOUT);
    }

    /** From a console's open frame to logged in to QEMU. */
    public Duration loginTimeout() {
      return openTimeout.plus(authTimeout).plus(queueTimeout);
    }
  }

  /**
   * @param turns serializes each VM's password changes; relays take a turn to authenticate
   * @param listener told about relays connecting, authenticating and ending
   */
  public ConsoleRelays(
      ConsoleAuthorizer authorizer,
      ConsoleTargets targets,
      RelayRegistry registry,
      PasswordTurns turns,
      RelayLimits limits,
      RelayListener listener) {
    this(authorizer, targets, registry, turns, limits, listener, RefusalSink.NONE);
  }

  /** Relays that report each console they refuse to {@code refusals} (the engine's audit). */
  public ConsoleRelays(
      ConsoleAuthorizer authorizer,
      ConsoleTargets targets,
      RelayRegistry registry,
      PasswordTurns turns,
      RelayLimits limits,
      RelayListener listener,
      RefusalSink refusals) {
    this(
        authorizer,
        targets,
        registry,
        turns,
        limits,
        listener,
        refusals,
        ConsoleMeters.unexported());
  }

  /** Relays that also count their bytes and errors into {@code meters} ({@code /metrics}). */
  public ConsoleRelays(
      ConsoleAuthorizer authorizer,
      ConsoleTargets targets,
      RelayRegistry registry,
      PasswordTurns turns,
      RelayLimits limits,
      RelayListener listener,
      RefusalSink refusals,
      ConsoleMeters meters) {
    this.meters = meters;
    this.metersToVm = meters.bytes(ConsoleMeters.Direction.TO_VM);
    this.metersToClient = meters.bytes(ConsoleMeters.Direction.TO_CLIENT);
    this.refusals = refusals;
    this.authorizer = authorizer;
    this.targets = targets;
    this.registry = registry;
    this.turns = turns;
    this.limits = limits;
    this.listener = listener;
    int cores = Runtime.getRuntime().availableProcessors();
    this.loops = new BackendLoops(cores);
    this.verifiers =
        new ThreadPoolExecutor(
            cores,
            cores,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(limits.maxConsoles()),
            new DefaultThreadFactory("console-verify", true));
  }

  /** Starts a relay for one OpenConsole call; returns the observer for client frames. */
  public StreamObserver<ConsoleFrame> open(StreamObserver<ConsoleFrame> responses) {
    ConsoleStream stream =
        new ConsoleStream((ServerCallStreamObserver<ConsoleFrame>) responses, this);
    active.add(stream);
    stream.start();
    return stream;
  }

  /**
   * Ends every console of {@code sessionIds} on {@code vmUuid} with {@code close{status, reason}}
   * and refuses their tokens from now on (EndConsoles). Consoles still being verified are refused
   * when they bind to their session ({@link #attach}).
   *
   * @return the consoles that were open or opening and are now ended
   * @throws AgentException OVERLOADED when too many sessions were ended recently
   */
  public List<RelayedConsole> endSessions(
      String vmUuid, Collection<String> sessionIds, PortholeStatus status, String reason)
      throws AgentException {
    ended.add(vmUuid, sessionIds);
    List<RelayedConsole> endedNow = new ArrayList<>();
    for (ConsoleStream s : List.copyOf(active)) {
      ConsoleClaims c = s.claims();
      if (c != null && c.vmUuid().equalsIgnoreCase(vmUuid) && sessionIds.contains(c.sessionId())) {
        RelayedConsole view = s.view();
        if (s.end(status, reason)) {
          endedNow.add(view);
        }
      }
    }
    return endedNow;
  }

  /** The consoles QEMU accepted and that still relay, of one VM or (empty) of all. */
  public List<RelayedConsole> live(String vmUuid) {
    List<RelayedConsole> out = new ArrayList<>();
    for (ConsoleStream s : active) {
      RelayedConsole c = s.view();
      if (c != null
          && c.authenticated()
          && !s.closed()
          && (vmUuid.isEmpty() || c.vmUuid().equalsIgnoreCase(vmUuid))) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Binds a verified console to its session unless the engine ended that session. Under the ended
   * sessions' lock: an {@link #endSessions} either finds this console bound (and ends it) or this
   * console finds its session ended.
   */
  void attach(ConsoleStream stream, ConsoleClaims claims) throws AgentException {
    synchronized (ended) {
      if (ended.contains(claims.vmUuid(), claims.sessionId())) {
        throw new AgentException(
            PortholeStatus.FORBIDDEN,
            "console session " + claims.sessionId() + " was ended by the engine");
      }
      if (stream.closed()) {
        throw new AgentException(PortholeStatus.CLOSED, "the console ended while opening");
      }
      String vm = vmKey(claims.vmUuid());
      int onVm = perVm.getOrDefault(vm, 0);
      if (onVm >= limits.maxPerVm()) {
        throw new AgentException(
            PortholeStatus.OVERLOADED,
            "too many consoles on domain "
                + claims.vmUuid()
                + " (at most "
                + limits.maxPerVm()
                + ")");
      }
      perVm.put(vm, onVm + 1);
      stream.countedOnVm = true;
      stream.bind(claims);
    }
  }

  private static String vmKey(String vmUuid) {
    return vmUuid.toLowerCase(Locale.ROOT);
  }

  /** Streams not yet ended (for shutdown and for tests that check nothing leaks). */
  public int activeCount() {
    return active.size();
  }

  /** Bytes read from QEMU sockets, all consoles, since start. */
  public long bytesFromBackend() {
    return bytesFromBackend.sum();
  }

  /** Bytes handed to gRPC as data frames, all consoles, since start. */
  public long bytesToClients() {
    return bytesToClients.sum();
  }

  /**
   * Bytes read from QEMU and not yet handed to gRPC: what the relay itself buffers (gRPC buffers at
   * most its on-ready threshold, 32 KiB, per call beyond this).
   */
  public long bufferedBytes() {
    return bytesFromBackend.sum() - bytesToClients.sum();
  }

  /** Ends every console open or opening with {@code close{status, reason}}; returns how many. */
  public int endAll(PortholeStatus status, String reason) {
    int n = 0;
    for (ConsoleStream s : List.copyOf(active)) {
      n += s.end(status, reason) ? 1 : 0;
    }
    return n;
  }

  /** Ends every console and stops the threads. */
  @Override
  public void close() {
    endAll(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is shutting down");
    verifiers.shutdownNow();
    loops.close();
  }

  /** Takes a console slot; false when {@code maxConsoles} are open or opening. */
  boolean admit() {
    if (admitted.incrementAndGet() > limits.maxConsoles()) {
      admitted.decrementAndGet();
      return false;
    }
    return true;
  }

  void leave() {
    admitted.decrementAndGet();
  }

  int maxConsoles() {
    return limits.maxConsoles();
  }

  RefusalSink refusals() {
    return refusals;
  }

  ConsoleAuthorizer authorizer() {
    return authorizer;
  }

  ConsoleTargets targets() {
    return targets;
  }

  RelayRegistry registry() {
    return registry;
  }

  Duration openTimeout() {
    return limits.openTimeout();
  }

  Duration authTimeout() {
    return limits.authTimeout();
  }

  Duration loginTimeout() {
    return limits.loginTimeout();
  }

  PasswordTurns turns() {
    return turns;
  }

  RelayListener listener() {
    return listener;
  }

  /** The event loops shared by the gRPC server and the sockets to QEMU. */
  public BackendLoops loops() {
    return loops;
  }

  ThreadPoolExecutor verifiers() {
    return verifiers;
  }

  /**
   * The token checks' pool ({@code console-verify}), shared with the SSO relays: its queue bounds
   * how many opens of either kind wait.
   */
  public ThreadPoolExecutor verifyExecutor() {
    return verifiers;
  }

  /** True when the engine ended {@code sessionId} of {@code vmUuid} (EndConsoles) recently. */
  public boolean sessionEnded(String vmUuid, String sessionId) {
    return ended.contains(vmUuid, sessionId);
  }

  /** The authorizer every console token goes through, shared with the SSO relays. */
  public ConsoleAuthorizer consoleAuthorizer() {
    return authorizer;
  }

  void countFromBackend(int n) {
    bytesFromBackend.add(n);
  }

  void countToClient(int n) {
    bytesToClients.add(n);
    metersToClient.increment(n);
  }

  /** Where consoles are counted for {@code /metrics}; shared with the SSO relays. */
  public ConsoleMeters meters() {
    return meters;
  }

  /** Bytes a client sent that QEMU's socket took. */
  void countToVm(int n) {
    metersToVm.increment(n);
  }

  /** A console that had passed its token check ended, as its client was told. */
  void countEnd(PortholeStatus status) {
    meters.ended(status);
  }

  void ended(ConsoleStream stream) {
    active.remove(stream);
    synchronized (ended) {
      if (stream.countedOnVm) {
        stream.countedOnVm = false;
        perVm.computeIfPresent(vmKey(stream.claims().vmUuid()), (vm, n) -> n > 1 ? n - 1 : null);
      }
    }
  }
}
