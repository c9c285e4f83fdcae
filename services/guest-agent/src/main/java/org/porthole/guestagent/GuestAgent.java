package org.porthole.guestagent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.Handshake;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.guestagent.command.CommandDispatcher;
import org.porthole.guestagent.command.Commands;
import org.porthole.guestagent.command.Outbox;
import org.porthole.guestagent.command.RecentReplies;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.facts.SystemFacts;
import org.porthole.guestagent.port.PortChannel;
import org.porthole.guestagent.port.PortLocator;
import org.porthole.guestagent.spn.SpnSource;
import org.porthole.guestagent.sso.SsoProbe;
import org.porthole.guestagent.sso.SsoRunner;

/**
 * The daemon: finds the control port, serves one opening after another, and backs off between
 * attempts (doubling from the minimum to the maximum, back to the minimum after an opening where
 * the host said hello). The port going away, the host disconnecting, or a host without a common
 * version all end an opening; none ends the agent. Only {@link #stop} does.
 */
public final class GuestAgent {
  private static final Logger LOG = Logger.getLogger(GuestAgent.class.getName());

  /** The name this agent gives in its hello. */
  public static final String AGENT_NAME = "porthole-guest-agent";

  private final GuestAgentConfig config;
  private final PortLocator locator;
  private final Handshake handshake;
  private final Outbox outbox = new Outbox();
  private final ExecutorService commandThread;
  private final ScheduledExecutorService timer;
  private final CommandDispatcher dispatcher;
  private volatile boolean running = true;
  private volatile PortChannel current;

  /** An agent with a fresh instance id, driving {@code desktop}. */
  public GuestAgent(GuestAgentConfig config, DesktopBackend desktop) {
    this(config, desktop, SsoProbe.NONE);
  }

  /** Like {@link #GuestAgent(GuestAgentConfig, DesktopBackend)}, showing SSO to {@code probe}. */
  public GuestAgent(GuestAgentConfig config, DesktopBackend desktop, SsoProbe probe) {
    this.config = config;
    this.locator = new PortLocator(config.sysfsRoot(), config.devRoot());
    this.handshake =
        new Handshake(
            new Message.Hello(
                VersionRange.V1, AGENT_NAME, agentVersion(), UUID.randomUUID().toString(), false));
    this.commandThread = Executors.newSingleThreadExecutor(r -> daemon(r, "guest-commands"));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "guest-timer"));
    Commands commands =
        new Commands(
            desktop,
            new SystemFacts(config.osRelease()),
            new SpnSource(config.spn(), config.keytab()),
            timer,
            outbox,
            new SsoRunner(config, desktop, timer, outbox, Clock.systemUTC(), probe)::start);
    this.dispatcher =
        new CommandDispatcher(
            commands, new RecentReplies(RecentReplies.DEFAULT_CAPACITY), commandThread, outbox);
  }

  /** This process's instance id (what its hello carries). */
  public String instance() {
    return handshake.opening().instance();
  }

  /** Serves the control port until {@link #stop}; the calling thread is the reader. */
  public void run() {
    LOG.info(
        AGENT_NAME
            + " "
            + agentVersion()
            + " instance "
            + instance()
            + " looking for port "
            + config.portName());
    Duration backoff = config.reconnectMin();
    while (running) {
      boolean negotiated = serveOnce();
      if (!running) {
        break;
      }
      backoff =
          negotiated ? config.reconnectMin() : min(backoff.multipliedBy(2), config.reconnectMax());
      sleep(negotiated ? config.reconnectMin() : backoff);
    }
    commandThread.shutdownNow();
    timer.shutdownNow();
  }

  /** Ends {@link #run}: closes the port so a blocked read returns. */
  public void stop() {
    running = false;
    closeQuietly(current);
  }

  private boolean serveOnce() {
    Optional<Path> device = locator.find(config.portName());
    if (device.isEmpty()) {
      LOG.log(Level.FINE, "port {0} not present", config.portName());
      return false;
    }
    try (PortChannel port = PortChannel.open(device.get())) {
      current = port;
      if (!running) {
        return false;
      }
      LOG.fine("opened " + device.get());
      boolean negotiated =
          new ChannelSession(port, handshake, dispatcher, outbox, config.heartbeat()).run();
      LOG.info("port " + device.get() + " ended; reopening");
      return negotiated;
    } catch (IOException e) {
      LOG.log(Level.FINE, "port {0}: {1}", new Object[] {device.get(), e.toString()});
      return false;
    } finally {
      current = null;
    }
  }

  private static String agentVersion() {
    String v = GuestAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static void closeQuietly(PortChannel port) {
    if (port == null) {
      return;
    }
    try {
      port.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "close failed", e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
