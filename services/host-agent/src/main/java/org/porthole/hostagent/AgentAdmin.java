package org.porthole.hostagent;

import io.grpc.Server;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.time.Duration;
import java.util.Deque;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.admin.AdminAddress;
import org.porthole.admin.AdminServer;
import org.porthole.admin.health.BoundedCheck;
import org.porthole.admin.health.CheckResult;
import org.porthole.admin.health.HealthCheck;
import org.porthole.admin.metrics.ServiceMeters;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.Hypervisor;

/**
 * The agent's admin port ({@code porthole.agent.admin-bind} / {@code .admin-port}, default
 * 127.0.0.1:9182): liveness = the gRPC server runs and the agent's libvirt connection is open or
 * being reopened (a lost connection is reopened by the agent itself, so only a dead reconnect
 * thread calls for a restart); readiness = the agent's own connection is open and libvirt answers a
 * cheap call on a connection of its own within {@link #LIBVIRT_TIMEOUT}, each answer kept {@link
 * #LIBVIRT_MAX_AGE} so probes and scrapes in a burst cost libvirtd one connection.
 */
final class AgentAdmin {
  /** Prefix of the admin keys. */
  static final String PREFIX = "porthole.agent";

  static final int DEFAULT_PORT = 9182;
  static final String SERVICE = "host-agent";
  static final String GUESTS_RESPONSIVE = "porthole.guest.agents.responsive";
  static final Duration LIBVIRT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration LIBVIRT_MAX_AGE = Duration.ofSeconds(1);

  private static final Logger LOG = Logger.getLogger(AgentAdmin.class.getName());

  private AgentAdmin() {}

  /** Reads the admin keys (fails fast on a bad value, before anything starts). */
  static AdminAddress address(org.porthole.config.Settings settings) {
    return AdminAddress.from(settings, PREFIX, DEFAULT_PORT);
  }

  /** Registers the guest agents' gauge. */
  static void meterGuests(ServiceMeters meters, Guests guests) {
    Gauge.builder(GUESTS_RESPONSIVE, guests, Guests::responsiveCount)
        .description("Guest agents that answered within their heartbeat window")
        .strongReference(true)
        .register(meters.registry());
  }

  /** Starts the admin port; it and its libvirt check stop with the agent ({@code parts}). */
  static AdminServer start(
      AdminAddress address,
      ServiceMeters meters,
      Server server,
      Hypervisor hypervisor,
      Deque<AutoCloseable> parts) {
    HealthCheck grpc =
        HealthCheck.of(
            "grpc-server",
            () ->
                server.isShutdown() ? CheckResult.down("the gRPC server stopped") : CheckResult.UP);
    HealthCheck connection =
        HealthCheck.of(
            "libvirt-connection",
            () ->
                hypervisor.connectionRecoverable()
                    ? CheckResult.UP
                    : CheckResult.down("the agent's libvirt connection is lost for good"));
    BoundedCheck libvirt =
        BoundedCheck.of(libvirtAnswers(hypervisor), LIBVIRT_TIMEOUT, LIBVIRT_MAX_AGE);
    parts.push(libvirt);
    try {
      AdminServer admin =
          AdminServer.builder(meters::scrape)
              .liveness(grpc)
              .liveness(connection)
              .readiness(libvirt)
              .start(address);
      parts.push(admin);
      LOG.log(Level.INFO, "host agent admin (health, metrics) on {0}", admin.url());
      return admin;
    } catch (IOException e) {
      throw address.cannotListen(PREFIX, e);
    }
  }

  private static HealthCheck libvirtAnswers(Hypervisor hypervisor) {
    return HealthCheck.of(
        "libvirt",
        () -> {
          if (!hypervisor.connectionAlive()) {
            return CheckResult.down("the agent's libvirt connection is being reopened");
          }
          try {
            hypervisor.ping();
            return CheckResult.UP;
          } catch (AgentException e) {
            // Not the URI: it may carry a user name or keyfile paths, and this answer is
            // unsigned-in.
            return CheckResult.down("libvirt does not answer");
          }
        });
  }
}
