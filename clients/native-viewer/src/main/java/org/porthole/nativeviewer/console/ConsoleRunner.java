package org.porthole.nativeviewer.console;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;
import org.porthole.nativeviewer.engine.EngineClient;
import org.porthole.nativeviewer.engine.Ticket;
import org.porthole.nativeviewer.engine.Vm;
import org.porthole.nativeviewer.sso.SsoSignIn;
import org.porthole.nativeviewer.tunnel.LocalListener;
import org.porthole.nativeviewer.tunnel.ProxyConnection;
import org.porthole.nativeviewer.tunnel.ProxyHandshake;
import org.porthole.nativeviewer.tunnel.Relay;
import org.porthole.nativeviewer.tunnel.VncPassword;

/**
 * One console of one VM, from the first ticket until the viewer is closed or the console ends for
 * good. A console that drops (network, ws-proxy restart, migration) is opened again with a fresh
 * ticket as long as the VM's reconnect window allows, saying so on stderr; a takeover (4009) or a
 * revocation (4003) ends it with the reason. Each attempt has its own loopback port and password.
 * With SSO, every attempt also signs the user in to the guest once its console relays (a reconnect
 * finds the desktop locked by the disconnect), next to the relay and never holding it up.
 */
public final class ConsoleRunner {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
  private static final Duration TOKEN_MARGIN = Duration.ofSeconds(5);
  private static final long MAX_BACKOFF_MS = 2000;

  /**
   * Longest pause between tries of a restarting proxy: a refused connect costs nothing, and every
   * millisecond past the proxy's return is the user's wait (at 1 s, a loaded CI run measured the
   * proxy kill to console back at 10.4 s against the 10 s budget).
   */
  private static final long MAX_PROXY_RETRY_MS = 250;

  private final EngineClient engine;
  private final HttpClient http;
  private final ViewerSide side;
  private final PrintStream err;
  private final Clock clock;
  private final Optional<SsoSignIn> sso;

  /** A runner that signs in to the guest with {@code sso} after each connect, when present. */
  public ConsoleRunner(
      EngineClient engine,
      HttpClient http,
      ViewerSide side,
      PrintStream err,
      Clock clock,
      Optional<SsoSignIn> sso) {
    this.engine = engine;
    this.http = http;
    this.side = side;
    this.err = err;
    this.clock = clock;
    this.sso = sso;
  }

  /** How one attempt ended: the viewer went away, or the console closed with a code. */
  private record Outcome(boolean viewerClosed, int code, String reason, boolean wasConnected) {}

  /** Runs the console; returns when the viewer was closed, throws when the console ended. */
  public ExitCode run(Vm vm, String mode, boolean takeover) throws InterruptedException {
    Instant droppedAt = null;
    boolean takeoverNow = takeover;
    int window = 0;
    int retries = 0;
    while (true) {
      Ticket ticket;
      try {
        ticket = engine.openConsole(vm.id(), mode, takeoverNow, sso.isPresent());
      } catch (ViewerFailure f) {
        if (droppedAt == null || !transientFailure(f) || windowOver(droppedAt, window)) {
          throw f;
        }
        err.println("porthole-viewer: no fresh ticket yet (" + f.getMessage() + "); retrying");
        Thread.sleep(backoff(retries++));
        continue;
      }
      takeoverNow = false;
      window = ticket.reconnectWindowSeconds();
      Outcome o = attempt(vm, ticket, droppedAt);
      if (o.viewerClosed()) {
        return ExitCode.OK;
      }
      String what = CloseExplanation.describe(o.code(), o.reason());
      if (!CloseExplanation.reconnectable(o.code())) {
        throw new ViewerFailure(
            CloseExplanation.exitCode(o.code()), "the console of " + vm.name() + " ended: " + what);
      }
      if (o.wasConnected() || droppedAt == null) {
        droppedAt = clock.instant();
        retries = 0;
      }
      if (window <= 0 || windowOver(droppedAt, window)) {
        throw new ViewerFailure(
            ExitCode.CONSOLE_FAILED,
            "the console of "
                + vm.name()
                + " dropped and did not come back within its reconnect window ("
                + window
                + " s): "
                + what);
      }
      err.println(
          "porthole-viewer: the console dropped: "
              + what
              + "; reconnecting with a fresh token (window "
              + window
              + " s)");
      Thread.sleep(backoff(retries++));
    }
  }

  private Outcome attempt(Vm vm, Ticket ticket, Instant droppedAt) throws InterruptedException {
    VncPassword password = VncPassword.random();
    Socket viewer;
    try (LocalListener listener = LocalListener.open(password, clock)) {
      side.offer(vm.name(), listener.host(), listener.port(), password.reveal());
      viewer = listener.awaitViewer(LocalListener.ACCEPT_WINDOW, side::alive, err);
      if (viewer == null) {
        side.withdraw();
        throw new ViewerFailure(
            ExitCode.CONSOLE_FAILED,
            side.alive()
                ? "no viewer connected to "
                    + listener.host()
                    + ":"
                    + listener.port()
                    + " within "
                    + LocalListener.ACCEPT_WINDOW.toSeconds()
                    + " s"
                : "the viewer program exited before it connected");
      }
    } catch (IOException e) {
      throw new ViewerFailure(ExitCode.FAILED, "the local tunnel failed: " + e.getMessage(), e);
    }
    side.admitted();
    ProxyConnection console = openProxy(ticket);
    if (console == null) {
      closeQuietly(viewer);
      side.withdraw();
      return new Outcome(
          false, ProxyConnection.ABNORMAL, "the console proxy is unreachable", false);
    }
    try {
      ProxyHandshake.run(console);
      ProxyHandshake.shareClientInit(viewer, console);
    } catch (IOException e) {
      closeQuietly(viewer);
      ProxyConnection.Close close = closeOf(console);
      console.close();
      side.withdraw();
      return new Outcome(false, close.code(), close.reason(), false);
    }
    say(vm, ticket, droppedAt);
    Optional<SsoSignIn.Running> signIn = sso.map(s -> s.start(ticket));
    Relay.Ended ended = Relay.run(viewer, console);
    if (signIn.isPresent()) {
      signIn.get().stop();
    }
    if (ended == Relay.Ended.VIEWER) {
      return new Outcome(true, 1000, "", true);
    }
    ProxyConnection.Close close = closeOf(console);
    side.withdraw();
    return new Outcome(false, close.code(), close.reason(), true);
  }

  private void say(Vm vm, Ticket ticket, Instant droppedAt) {
    String session = " (session " + ticket.sessionId() + ", " + ticket.mode() + ")";
    if (droppedAt == null) {
      err.println("porthole-viewer: connected to " + vm.name() + session);
    } else {
      long ms = Duration.between(droppedAt, clock.instant()).toMillis();
      err.printf(
          "porthole-viewer: reconnected to %s with a fresh token after %.1f s%s%n",
          vm.name(), ms / 1000.0, session);
    }
  }

  /**
   * The ticket's WebSocket; while the proxy cannot be reached (a restart), tries again with the
   * same ticket, which is unused until the proxy passed it on, until shortly before it expires.
   */
  private ProxyConnection openProxy(Ticket ticket) throws InterruptedException {
    int tries = 0;
    while (true) {
      try {
        return ProxyConnection.open(http, ticket.proxyUrl(), ticket.token());
      } catch (ProxyConnection.Unreachable e) {
        if (clock.instant().plus(TOKEN_MARGIN).isAfter(ticket.expiresAt())) {
          err.println("porthole-viewer: " + e.getMessage());
          return null;
        }
        if (tries == 0) {
          err.println(
              "porthole-viewer: "
                  + e.getMessage()
                  + "; trying again until the ticket expires at "
                  + ticket.expiresAt());
        }
        Thread.sleep(Math.min(MAX_PROXY_RETRY_MS, backoff(tries++)));
      } catch (IOException e) {
        err.println("porthole-viewer: " + e.getMessage());
        return null;
      }
    }
  }

  private static ProxyConnection.Close closeOf(ProxyConnection console)
      throws InterruptedException {
    try {
      return console.closed().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return new ProxyConnection.Close(ProxyConnection.ABNORMAL, "");
    }
  }

  private boolean windowOver(Instant droppedAt, int windowSeconds) {
    return clock.instant().isAfter(droppedAt.plusSeconds(windowSeconds));
  }

  private static boolean transientFailure(ViewerFailure f) {
    return f.exitCode() == ExitCode.ENGINE_DOWN
        || f.exitCode() == ExitCode.BUSY
        || f.exitCode() == ExitCode.CONSOLE_FAILED;
  }

  private static long backoff(int retries) {
    return Math.min(MAX_BACKOFF_MS, 250L << Math.min(retries, 4));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
