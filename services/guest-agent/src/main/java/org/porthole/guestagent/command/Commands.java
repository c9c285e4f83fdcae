package org.porthole.guestagent.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.porthole.guest.protocol.ErrorCode;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.ProtocolException;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.guestagent.desktop.SessionState;
import org.porthole.guestagent.facts.SystemFacts;
import org.porthole.guestagent.spn.KeytabException;
import org.porthole.guestagent.spn.SpnSource;
import org.porthole.guestagent.sso.SsoRunner;

/**
 * The guest commands of protocol v1 (docs/guest-protocol.md, "Commands"). {@link #run} turns one
 * request into exactly one reply and never throws: an unknown command, bad arguments, a failing
 * tool or a bug all become error replies, so nothing a host sends can stop the agent. Called from
 * the one command thread only.
 */
public final class Commands {
  private static final Logger LOG = Logger.getLogger(Commands.class.getName());

  /** Power actions wait at least this long so their reply leaves the guest first. */
  static final long MIN_POWER_DELAY_MILLIS = 1000;

  static final int MAX_DELAY_SECONDS = 3600;
  static final int MAX_MESSAGE_CHARS = 256;
  static final int MAX_USER_CHARS = 256;
  static final int MAX_ID_CHARS = 128;
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final String SESSION = "session";
  private static final String CLIENT = "client";

  private final DesktopBackend desktop;
  private final SystemFacts facts;
  private final SpnSource spn;
  private final ScheduledExecutorService timer;
  private final Outbox outbox;
  private final Predicate<SsoRunner.Begin> sso;
  private SessionState lastState = SessionState.UNKNOWN;
  private volatile boolean clientConnected;

  public Commands(
      DesktopBackend desktop,
      SystemFacts facts,
      SpnSource spn,
      ScheduledExecutorService timer,
      Outbox outbox,
      Predicate<SsoRunner.Begin> sso) {
    this.desktop = desktop;
    this.facts = facts;
    this.spn = spn;
    this.timer = timer;
    this.outbox = outbox;
    this.sso = sso;
  }

  /** Carries out {@code request} and returns its reply. */
  public Message run(Message.Request request) {
    try {
      return new Message.OkReply(request.id(), dispatch(request));
    } catch (ProtocolException e) {
      return e.toReply();
    } catch (DesktopException e) {
      LOG.log(
          Level.WARNING,
          "command {0} failed: {1}",
          new Object[] {request.command(), e.getMessage()});
      return new Message.ErrorReply(request.id(), ErrorCode.FAILED.wire(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "command " + request.command() + " hit a bug", e);
      return new Message.ErrorReply(request.id(), ErrorCode.FAILED.wire(), "internal error");
    }
  }

  private Map<String, Object> dispatch(Message.Request r)
      throws ProtocolException, DesktopException {
    Args args = new Args(r.id(), r.args());
    return switch (r.command()) {
      case "refresh" -> refresh();
      case "lock-screen" -> {
        desktop.lock();
        yield sessionResult();
      }
      case "log-off" -> {
        desktop.logOff();
        yield sessionResult();
      }
      case "shutdown" -> power(args, false);
      case "reboot" -> power(args, true);
      case "get-spn" -> getSpn(r.id());
      case "client-connect" -> {
        args.string("user", MAX_USER_CHARS);
        clientConnected = true;
        yield Map.of(CLIENT, "connected");
      }
      case "sso-begin" -> ssoBegin(args, r.id());
      case "client-disconnect" -> {
        clientConnected = false;
        yield Map.of(CLIENT, "disconnected");
      }
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_COMMAND, "unknown command", r.id());
    };
  }

  /**
   * Starts the SSO exchange of a console whose viewer is connected to the host end of the SSO port
   * (docs/sso-protocol.md); the outcome follows as an {@code sso} event.
   */
  private Map<String, Object> ssoBegin(Args args, String id) throws ProtocolException {
    String session = args.string("session", MAX_ID_CHARS);
    String nonce = args.string("nonce", MAX_ID_CHARS);
    String principal = args.string("principal", MAX_USER_CHARS);
    if (session.isEmpty() || principal.isEmpty() || !NONCE.matcher(nonce).matches()) {
      throw new ProtocolException(
          ErrorCode.BAD_ARGS,
          "sso-begin needs session, nonce (16-128 of A-Z a-z 0-9 - _), principal",
          id);
    }
    if (!sso.test(new SsoRunner.Begin(session, nonce, principal))) {
      throw new ProtocolException(ErrorCode.FAILED, "busy: another SSO exchange is running", id);
    }
    return Map.of("sso", "started");
  }

  private Map<String, Object> refresh() throws DesktopException {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("os", facts.os());
    result.put("hostname", facts.hostname());
    result.put("ips", facts.ips());
    result.put("users", desktop.users());
    result.put(SESSION, currentState().wire());
    result.put(CLIENT, clientConnected ? "connected" : "disconnected");
    return result;
  }

  private Map<String, Object> sessionResult() throws DesktopException {
    return Map.of(SESSION, currentState().wire());
  }

  /** The backend's state now; a change since the last look is also sent as a session event. */
  private SessionState currentState() throws DesktopException {
    SessionState now = desktop.state();
    if (now != lastState && now != SessionState.UNKNOWN) {
      outbox.send(new Message.Event(SESSION, Map.of("state", now.wire())));
    }
    lastState = now;
    return now;
  }

  private Map<String, Object> power(Args args, boolean reboot) throws ProtocolException {
    int delay = args.integer("delay", 0, 0, MAX_DELAY_SECONDS);
    String message = args.string("message", MAX_MESSAGE_CHARS).replaceAll("\\p{Cntrl}", " ");
    long millis = Math.max(MIN_POWER_DELAY_MILLIS, delay * 1000L);
    timer.schedule(
        () -> {
          try {
            if (reboot) {
              desktop.reboot(message);
            } else {
              desktop.powerOff(message);
            }
          } catch (DesktopException e) {
            LOG.log(
                Level.WARNING,
                "{0} failed: {1}",
                new Object[] {reboot ? "reboot" : "shutdown", e.getMessage()});
          }
        },
        millis,
        TimeUnit.MILLISECONDS);
    LOG.log(Level.INFO, "{0} in {1} s", new Object[] {reboot ? "reboot" : "shutdown", delay});
    return Map.of("delay", delay);
  }

  private Map<String, Object> getSpn(String id) throws ProtocolException, DesktopException {
    Optional<SpnSource.Spn> found;
    try {
      found = spn.find();
    } catch (KeytabException e) {
      throw new DesktopException(e.getMessage());
    }
    if (found.isEmpty()) {
      throw new ProtocolException(
          ErrorCode.NOT_FOUND, "no SPN configured and no host/ principal in the keytab", id);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("spn", found.get().principal());
    result.put("source", found.get().source());
    return result;
  }
}
