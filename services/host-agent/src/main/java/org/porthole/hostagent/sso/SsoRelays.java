package org.porthole.hostagent.sso;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.guest.GuestChannelXml;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.guest.SsoReport;
import org.porthole.hostagent.relay.BackendLoops;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.kafka.refusal.RefusalSink;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Opens the SSO streams of {@code OpenSso} calls (docs/sso-protocol.md, "Transport") and owns what
 * they share: the one claim per VM on its SSO port (QEMU serves one client per chardev socket), the
 * host's cap, the limits, and the parts borrowed from the console relays (token checks, the
 * verifier pool, the event loops, the ended sessions). A stream lives only beside its session's
 * live interactive console ({@link LiveSessions}) and ends with it.
 */
public final class SsoRelays implements AutoCloseable {
  /** The virtio-serial port of the SSO channel. */
  public static final String SSO_PORT = GuestChannelXml.SSO_PORT;

  private static final int MAX_CLIENT_ADDRESS_CHARS = 128;

  private final ConsoleRelays consoles;
  private final LiveSessions live;
  private final Guests guests;
  private final SsoPorts ports;
  private final RefusalSink refusals;
  private final SsoLimits limits;
  private final AtomicInteger admitted = new AtomicInteger();
  private final Set<SsoStream> active = ConcurrentHashMap.newKeySet();

  /** The stream holding each VM's port (lower-case UUID); guarded by itself. */
  private final Map<String, SsoStream> claims = new HashMap<>();

  /**
   * @param consoles the console relays whose token checks, loops and ended sessions are shared
   * @param live the live consoles; must also listen to {@code consoles}
   */
  public SsoRelays(
      ConsoleRelays consoles,
      LiveSessions live,
      Guests guests,
      SsoPorts ports,
      RefusalSink refusals,
      SsoLimits limits) {
    this.consoles = consoles;
    this.live = live;
    this.guests = guests;
    this.ports = ports;
    this.refusals = refusals;
    this.limits = limits;
    live.onEnded(this::consoleEnded);
  }

  /** Starts an SSO stream for one OpenSso call; returns the observer for client frames. */
  public StreamObserver<ConsoleFrame> open(StreamObserver<ConsoleFrame> responses) {
    SsoStream stream = new SsoStream((ServerCallStreamObserver<ConsoleFrame>) responses, this);
    active.add(stream);
    stream.start();
    return stream;
  }

  /**
   * What PrepareConsole with {@code sso} checks: the domain has the SSO port, its guest agent is
   * connected and answers, and it reported an SPN, which is returned.
   *
   * @throws AgentException CONFLICT (gRPC FAILED_PRECONDITION) naming what is missing
   */
  public String prerequisites(String vmUuid) throws AgentException {
    if (ports.socket(vmUuid).isEmpty()) {
      throw new AgentException(
          PortholeStatus.CONFLICT, "domain " + vmUuid + " has no " + SSO_PORT + " channel");
    }
    GuestSnapshot g = guests.state(vmUuid);
    if (!g.connected()) {
      throw new AgentException(
          PortholeStatus.CONFLICT, "the guest agent of domain " + vmUuid + " is not connected");
    }
    if (!g.responsive()) {
      throw new AgentException(
          PortholeStatus.CONFLICT, "the guest agent of domain " + vmUuid + " is unresponsive");
    }
    if (g.spn().isEmpty()) {
      throw new AgentException(
          PortholeStatus.CONFLICT,
          "the guest agent of domain " + vmUuid + " reported no SPN (no keytab or configuration)");
    }
    return g.spn();
  }

  /**
   * Ends the SSO streams of {@code sessionIds} on {@code vmUuid} (EndConsoles: the caller added
   * them to the ended sessions first, so a stream still opening is refused by its checks).
   *
   * @return how many streams were ended
   */
  public int endSessions(
      String vmUuid, Collection<String> sessionIds, PortholeStatus status, String reason) {
    int n = 0;
    for (SsoStream s : List.copyOf(active)) {
      ConsoleClaims c = s.claims();
      if (c != null
          && c.vmUuid().equalsIgnoreCase(vmUuid)
          && sessionIds.contains(c.sessionId())
          && s.end(status, reason)) {
        n++;
      }
    }
    return n;
  }

  /** The session's last interactive console ended: so does its SSO stream. */
  public void consoleEnded(String vmUuid, String sessionId) {
    endSessions(
        vmUuid, List.of(sessionId), PortholeStatus.CLOSED, "the console of this session ended");
  }

  /**
   * The guest reported the outcome of an exchange: the stream holding that VM's port for that
   * session ends after the grace for the last bytes.
   */
  public void guestFinished(SsoReport report) {
    SsoStream s;
    synchronized (claims) {
      s = claims.get(vmKey(report.vmUuid()));
    }
    ConsoleClaims c = s == null ? null : s.claims();
    if (c != null && c.sessionId().equals(report.sessionId())) {
      s.guestFinished(report.outcome());
    }
  }

  /** Streams not yet ended (shutdown, and tests that check nothing leaks). */
  public int activeCount() {
    return active.size();
  }

  /** VMs whose SSO port is claimed now (tests: the port is free again). */
  public int claimedPorts() {
    synchronized (claims) {
      return claims.size();
    }
  }

  @Override
  public void close() {
    for (SsoStream s : List.copyOf(active)) {
      s.end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is shutting down");
    }
  }

  /** Claims {@code vmUuid}'s port for {@code stream}; CONFLICT when another stream holds it. */
  void claim(String vmUuid, SsoStream stream) throws AgentException {
    synchronized (claims) {
      SsoStream holder = claims.putIfAbsent(vmKey(vmUuid), stream);
      if (holder != null && holder != stream) {
        throw new AgentException(
            PortholeStatus.CONFLICT,
            GuestCommand.BUSY + " another SSO client is active on domain " + vmUuid);
      }
    }
  }

  /** Frees {@code vmUuid}'s port if {@code stream} holds it (after its socket closed). */
  void release(String vmUuid, SsoStream stream) {
    synchronized (claims) {
      claims.remove(vmKey(vmUuid), stream);
    }
  }

  /**
   * Tells the engine's audit that an SSO stream was refused: a bad, replayed or foreign token, an
   * ended session, no live console, a busy port. {@code verified} when the token verified.
   */
  void reportRefusal(AgentException e, ConsoleClaims verified, String client) {
    PortholeStatus s = e.status();
    if (s != PortholeStatus.TOKEN_REJECTED
        && s != PortholeStatus.FORBIDDEN
        && s != PortholeStatus.CONFLICT) {
      return; // not a refusal of the client (no guest, no port)
    }
    ConsoleRefusal.Builder r = RefusalSink.refusal(s.name(), e.getMessage(), client).toBuilder();
    if (verified != null) {
      r.setVmUuid(verified.vmUuid())
          .setSessionId(verified.sessionId())
          .setSubject(verified.subject())
          .setClaimsVerified(true);
    }
    refusals.refused(r.build());
  }

  boolean admit() {
    if (admitted.incrementAndGet() > limits.maxStreams()) {
      admitted.decrementAndGet();
      return false;
    }
    return true;
  }

  void leave() {
    admitted.decrementAndGet();
  }

  void ended(SsoStream stream) {
    active.remove(stream);
  }

  /** The console series, shared with the console relays. */
  ConsoleMeters meters() {
    return consoles.meters();
  }

  boolean sessionEnded(String vmUuid, String sessionId) {
    return consoles.sessionEnded(vmUuid, sessionId);
  }

  ConsoleAuthorizer authorizer() {
    return consoles.consoleAuthorizer();
  }

  Executor verifiers() {
    return consoles.verifyExecutor();
  }

  BackendLoops loops() {
    return consoles.loops();
  }

  LiveSessions live() {
    return live;
  }

  Guests guests() {
    return guests;
  }

  SsoPorts ports() {
    return ports;
  }

  SsoLimits limits() {
    return limits;
  }

  private static String vmKey(String vmUuid) {
    return vmUuid.toLowerCase(Locale.ROOT);
  }

  /** Client addresses are logged: short, without control characters. */
  static String printable(String s) {
    String t = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > MAX_CLIENT_ADDRESS_CHARS ? t.substring(0, MAX_CLIENT_ADDRESS_CHARS) : t;
  }
}
