package org.porthole.nativeviewer.sso;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.login.LoginException;
import org.porthole.nativeviewer.engine.SsoTicket;
import org.porthole.nativeviewer.engine.Ticket;
import org.porthole.nativeviewer.sso.SsoReport.Failure;
import org.porthole.nativeviewer.sso.SsoReport.Lines;
import org.porthole.nativeviewer.tunnel.ProxyConnection;
import org.porthole.sso.exchange.ClientExchange;
import org.porthole.sso.exchange.SsoRefusedException;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;

/**
 * Signs the user in to the guest of a live console with their Kerberos ticket
 * (docs/sso-protocol.md): opens the session's SSO channel at the ws-proxy as the console's is
 * opened, and runs the library's client exchange against the SPN the engine pinned. Each exchange
 * runs on a daemon thread of its own next to the console's relay, so the picture never waits for
 * it; it is bounded to {@link #LIMIT} by closing its channel, and whatever happens it ends with
 * exactly one report (sentences on stderr, the machine line with {@code --proxy-only}). It never
 * ends the console.
 */
public final class SsoSignIn {
  /** The longest an exchange may take, from the ticket cache to the guest's sealed result. */
  public static final Duration LIMIT = Duration.ofSeconds(40);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);

  private final HttpClient http;
  private final SsoReport report;

  public SsoSignIn(HttpClient http, SsoReport report) {
    this.http = http;
    this.report = report;
  }

  /** Starts the exchange of {@code ticket}'s console session; the console is already relaying. */
  public Running start(Ticket ticket) {
    Running running = new Running(ticket);
    Thread thread = new Thread(running::run, "sso-sign-in");
    thread.setDaemon(true);
    running.thread = thread;
    thread.start();
    CompletableFuture.delayedExecutor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)
        .execute(running::expire);
    return running;
  }

  /**
   * One exchange. Threading: {@link #run} on its own thread; {@link #expire} on a timer thread and
   * {@link #stop} on the console's thread may end it early by closing its channel. The first of the
   * three to report wins; the others say nothing.
   */
  public final class Running {
    private final Ticket ticket;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean ending = new AtomicBoolean();
    private volatile ProxyConnection channel;
    private volatile Thread thread;

    private Running(Ticket ticket) {
      this.ticket = ticket;
    }

    /** Ends the exchange when the console ended first, and waits briefly for its report. */
    public void stop() throws InterruptedException {
      if (reported.get()) {
        return;
      }
      end();
      thread.interrupt();
      thread.join(STOP_WAIT.toMillis());
      report(SsoReport.failed(Failure.CANCELLED, ""));
    }

    /** True once the exchange's report was printed. */
    public boolean reported() {
      return reported.get();
    }

    private void expire() {
      if (reported.get()) {
        return;
      }
      end();
      report(SsoReport.failed(Failure.TIMEOUT, ""));
    }

    private void end() {
      ending.set(true);
      ProxyConnection c = channel;
      if (c != null) {
        c.close();
      }
    }

    private void run() {
      try {
        report(exchange());
      } catch (InterruptedException e) {
        report(SsoReport.failed(Failure.CANCELLED, ""));
      } catch (RuntimeException | LinkageError e) {
        // A bad pinned name (IllegalArgumentException), or JGSS missing from a trimmed runtime.
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        report(SsoReport.failed(Failure.BROKEN, what));
      }
    }

    private void report(Lines lines) {
      if (reported.compareAndSet(false, true)) {
        report.print(lines);
      }
    }

    private Lines exchange() throws InterruptedException {
      Optional<SsoTicket> asked = ticket.sso();
      if (asked.isEmpty()) {
        return SsoReport.failed(Failure.NO_SSO_TICKET, "");
      }
      SsoTicket sso = asked.get();
      Optional<String> problem = sso.problem();
      if (problem.isPresent()) {
        return SsoReport.failed(Failure.BAD_TICKET, problem.get());
      }
      DelegationPolicy policy;
      try {
        policy = DelegationPolicy.parse(sso.delegation());
      } catch (IllegalArgumentException e) {
        return SsoReport.failed(Failure.BAD_TICKET, e.getMessage());
      }
      TicketCacheSubject.Login login;
      try {
        login = TicketCacheSubject.login();
      } catch (LoginException e) {
        return SsoReport.failed(Failure.NO_TICKET, e.getMessage());
      }
      if (policy != DelegationPolicy.NEVER && !login.forwardable() && !reported.get()) {
        report.notForwardable();
      }
      ProxyConnection c;
      try {
        c = ProxyConnection.open(http, sso.proxyUrl(), sso.token());
      } catch (ProxyConnection.Unreachable e) {
        return SsoReport.failed(Failure.UNREACHABLE, e.getMessage());
      } catch (IOException e) {
        return SsoReport.failed(Failure.BROKEN, e.getMessage());
      }
      channel = c;
      try {
        if (ending.get()) {
          return SsoReport.failed(Failure.CANCELLED, "");
        }
        return signIn(c, sso, policy, login);
      } finally {
        c.close();
      }
    }

    private Lines signIn(
        ProxyConnection c, SsoTicket sso, DelegationPolicy policy, TicketCacheSubject.Login login)
        throws InterruptedException {
      ClientExchange exchange =
          new ClientExchange(
              ProxyStreams.lines(c),
              ticket.sessionId(),
              sso.nonce(),
              binding -> new GssapiClient(login.subject(), sso.spn(), policy, binding));
      try {
        Map<String, Object> result = exchange.run();
        GssapiClient.Outcome outcome = exchange.authenticated();
        return SsoReport.signedIn(
            new SsoReport.SignedIn(
                result.get("user") instanceof String u ? u : "?",
                result.get("principal") instanceof String p ? p : outcome.client(),
                result.get("delegated") instanceof Boolean b ? b : outcome.delegated(),
                policy,
                login.forwardable(),
                sso.spn()));
      } catch (SsoRefusedException e) {
        if (ending.get()) {
          return SsoReport.failed(Failure.CANCELLED, "");
        }
        if (Failure.CLOSED.code().equals(e.code())) {
          return closed(c, e);
        }
        return SsoReport.refused(e.code(), e.getMessage());
      } catch (IOException e) {
        if (ending.get()) {
          return SsoReport.failed(Failure.CANCELLED, "");
        }
        return SsoReport.failed(Failure.BROKEN, e.getMessage());
      }
    }

    /** The channel ended under the exchange: the proxy's close says why, when it sent one. */
    private Lines closed(ProxyConnection c, SsoRefusedException e) throws InterruptedException {
      try {
        ProxyConnection.Close close = c.closed().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (close.code() != ProxyConnection.ABNORMAL) {
          return SsoReport.closed(close.code(), close.reason());
        }
      } catch (ExecutionException | TimeoutException notClosed) {
        // the guest's side ended the stream without a close frame yet
      }
      return SsoReport.failed(Failure.CLOSED, e.getMessage());
    }
  }
}
