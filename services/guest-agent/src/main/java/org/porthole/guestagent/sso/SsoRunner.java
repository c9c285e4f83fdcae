package org.porthole.guestagent.sso;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import org.porthole.guest.protocol.Message;
import org.porthole.guestagent.GuestAgentConfig;
import org.porthole.guestagent.command.Outbox;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.port.PortChannel;
import org.porthole.guestagent.port.PortLocator;
import org.porthole.guestagent.spn.KeytabException;
import org.porthole.guestagent.spn.SpnSource;
import org.porthole.sso.exchange.GuestExchange;
import org.porthole.sso.exchange.SsoRefusedException;
import org.porthole.sso.gssapi.GssapiServer;
import org.porthole.sso.gssapi.SsoAuthException;
import org.porthole.sso.protocol.SsoErrorCode;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;

/**
 * Runs the guest's SSO exchanges, one at a time, each on its own thread: when the host agent says
 * {@code sso-begin} (its client is already connected to the host end of the SSO port, so opening
 * and writing never block), opens {@code org.porthole.sso.0}, runs {@link GuestExchange} with the
 * keytab's key and {@link SsoAcceptance}, closes the port after at most its limit (30 s), and
 * reports the outcome as an {@code sso} event on the control channel (for the audit). Never writes
 * to the SSO port unasked: with no host client a write there blocks.
 */
public final class SsoRunner {
  private static final Logger LOG = Logger.getLogger(SsoRunner.class.getName());

  /** What {@code sso-begin} carries: the console session, its SSO nonce, the console's user. */
  public record Begin(String session, String nonce, String principal) {}

  private final PortLocator locator;
  private final SpnSource spns;
  private final Path keytab;
  private final LocalUsers users;
  private final Path ccacheDir;
  private final DesktopBackend desktop;
  private final ScheduledExecutorService timer;
  private final Outbox outbox;
  private final Clock clock;
  private final Duration limit;
  private final SsoProbe probe;
  private final AtomicBoolean busy = new AtomicBoolean();

  public SsoRunner(
      GuestAgentConfig config,
      DesktopBackend desktop,
      ScheduledExecutorService timer,
      Outbox outbox,
      Clock clock) {
    this(config, desktop, timer, outbox, clock, SsoProbe.NONE);
  }

  /** A runner that shows each exchange to {@code probe} (the test image's console). */
  public SsoRunner(
      GuestAgentConfig config,
      DesktopBackend desktop,
      ScheduledExecutorService timer,
      Outbox outbox,
      Clock clock,
      SsoProbe probe) {
    this.locator = new PortLocator(config.sysfsRoot(), config.devRoot());
    this.spns = new SpnSource(config.spn(), config.keytab());
    this.keytab = config.keytab();
    this.users = new LocalUsers(config.passwdFile());
    this.ccacheDir = config.ccacheDir();
    this.desktop = desktop;
    this.timer = timer;
    this.outbox = outbox;
    this.clock = clock;
    this.limit = config.ssoLimit();
    this.probe = probe;
  }

  /** Starts an exchange for {@code begin}; false when one is still running (busy). */
  public boolean start(Begin begin) {
    if (!busy.compareAndSet(false, true)) {
      return false;
    }
    Thread thread =
        new Thread(
            () -> {
              Map<String, Object> report;
              try {
                report = probed(begin);
              } finally {
                busy.set(false); // before the event: a host may begin the next one on it
              }
              outbox.send(new Message.Event("sso", report));
            },
            "guest-sso");
    thread.setDaemon(true);
    thread.start();
    return true;
  }

  /**
   * Runs the exchange between the probe's two looks; the probe's end comes before the event (and
   * before the next exchange may begin), so its lines are on the console when the event arrives.
   */
  private Map<String, Object> probed(Begin begin) {
    try {
      probe.begun(begin);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "SSO probe failed", e);
    }
    Map<String, Object> report;
    try {
      report = run(begin);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "SSO exchange hit a bug", e);
      report = new LinkedHashMap<>(Map.of("session", begin.session()));
      report.put("outcome", "failed");
      report.put("code", "failed");
    }
    try {
      probe.ended(begin, report);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "SSO probe failed", e);
    }
    return report;
  }

  private Map<String, Object> run(Begin begin) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("session", begin.session());
    AtomicBoolean timedOut = new AtomicBoolean();
    try {
      String spn = spns.find().orElseThrow(() -> new IOException("no SPN")).principal();
      Subject acceptor = GssapiServer.keytabSubject(spn, keytab);
      Path device =
          locator
              .find(GuestAgentConfig.SSO_PORT)
              .orElseThrow(() -> new IOException("no port " + GuestAgentConfig.SSO_PORT));
      try (PortChannel port = PortChannel.open(device)) {
        SsoLines lines = new SsoLines(port.in(), port.out());
        ScheduledFuture<?> deadline =
            timer.schedule(() -> timeOut(port, timedOut), limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
          GuestExchange.Outcome outcome = exchange(begin, spn, acceptor, lines).run();
          return outcome(report, outcome);
        } finally {
          deadline.cancel(false);
        }
      }
    } catch (SsoRefusedException e) {
      report.put("outcome", "refused");
      report.put("code", timedOut.get() ? SsoErrorCode.TIMEOUT.wire() : e.code());
    } catch (IOException | KeytabException | SsoAuthException e) {
      LOG.log(Level.WARNING, "SSO exchange failed: {0}", e.getMessage());
      report.put("outcome", "failed");
      report.put("code", timedOut.get() ? SsoErrorCode.TIMEOUT.wire() : "failed");
    }
    return report;
  }

  private GuestExchange exchange(Begin begin, String spn, Subject acceptor, SsoLines lines) {
    PrincipalMap principals = new PrincipalMap(realmOf(spn), users);
    return new GuestExchange(
        lines,
        begin.session(),
        begin.nonce(),
        spn,
        binding -> new GssapiServer(acceptor, spn, binding),
        new SsoAcceptance(begin.principal(), principals, ccacheDir, desktop),
        clock);
  }

  private static Map<String, Object> outcome(
      Map<String, Object> report, GuestExchange.Outcome outcome) {
    if (outcome.result() instanceof SsoMessage.Ok ok) {
      report.put("outcome", "ok");
      report.put("user", ok.result().get("user"));
      report.put("delegated", outcome.delegated());
    } else if (outcome.result() instanceof SsoMessage.Error e) {
      report.put("outcome", "refused");
      report.put("code", e.code());
    }
    report.put("principal", outcome.principal());
    if (!outcome.delivered()) {
      report.put("delivered", false); // decided and done, but the viewer was not told
    }
    return report;
  }

  /**
   * Ends an exchange that ran out of time by closing its port, which wakes its blocked read. Runs
   * on the agent's timer, so it never writes to the port: a write there can block.
   */
  private static void timeOut(PortChannel port, AtomicBoolean timedOut) {
    timedOut.set(true);
    try {
      port.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the SSO port: {0}", e.getMessage());
    }
  }

  /** The realm of a principal {@code service/host@REALM}. */
  static String realmOf(String principal) {
    int at = principal.lastIndexOf('@');
    return at < 0 ? "" : principal.substring(at + 1);
  }
}
