package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * The console limits a ticket must pass: live consoles per user and per VM (a live session is
 * connected, or issued and not yet expired), and tickets issued per user in the last minute. QEMU
 * takes at most 32 VNC clients per VM, so the per-VM cap stays below that and one user cannot take
 * them all. Checked under the user's and the VM's ticket locks, so concurrent requests (on any
 * replica) cannot both pass. Each refusal is TOO_MANY_REQUESTS; the rate refusal says when a ticket
 * is possible again.
 */
@ApplicationScoped
public class ConsoleLimits {

  /** QEMU's own limit on VNC clients per display; the per-VM cap must stay below it. */
  static final int QEMU_MAX_CLIENTS = 32;

  static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private final int maxPerUser;
  private final int maxPerVm;
  private final int ticketsPerMinute;

  @Inject
  public ConsoleLimits(
      @ConfigProperty(name = "porthole.console.max-per-user", defaultValue = "8") int maxPerUser,
      @ConfigProperty(name = "porthole.console.max-per-vm", defaultValue = "16") int maxPerVm,
      @ConfigProperty(name = "porthole.console.tickets-per-minute", defaultValue = "30")
          int ticketsPerMinute) {
    if (maxPerVm < 1 || maxPerVm >= QEMU_MAX_CLIENTS) {
      throw new IllegalArgumentException(
          "porthole.console.max-per-vm must be 1.."
              + (QEMU_MAX_CLIENTS - 1)
              + " (QEMU takes at most "
              + QEMU_MAX_CLIENTS
              + " VNC clients), was "
              + maxPerVm);
    }
    if (maxPerUser < 1) {
      throw new IllegalArgumentException(
          "porthole.console.max-per-user must be at least 1, was " + maxPerUser);
    }
    if (ticketsPerMinute < 1) {
      throw new IllegalArgumentException(
          "porthole.console.tickets-per-minute must be at least 1, was " + ticketsPerMinute);
    }
    this.maxPerUser = maxPerUser;
    this.maxPerVm = maxPerVm;
    this.ticketsPerMinute = ticketsPerMinute;
  }

  /**
   * Refuses when {@code owner} asked for too many tickets in the last minute or holds too many live
   * consoles. Runs under the owner's ticket lock.
   *
   * @throws PortholeException TOO_MANY_REQUESTS, with Retry-After for the rate
   */
  public void requireUserWithin(
      Connection connection, SessionRepository sessions, String owner, Instant now)
      throws SQLException {
    requireRateWithin(sessions.issuedSince(connection, owner, now.minus(RATE_WINDOW)), now);
    int live = sessions.countLiveOfOwner(connection, owner, now);
    if (live >= maxPerUser) {
      throw new PortholeException(
          PortholeStatus.TOO_MANY_REQUESTS,
          "you have "
              + live
              + " open consoles, the most one user may hold is "
              + maxPerUser
              + "; close one first");
    }
  }

  /**
   * Refuses when {@code recent} (the owner's tickets of the last minute, oldest first) already
   * holds the rate's worth, saying when the oldest one that counts leaves the window.
   */
  void requireRateWithin(List<Instant> recent, Instant now) {
    if (recent.size() < ticketsPerMinute) {
      return;
    }
    Instant freed = recent.get(recent.size() - ticketsPerMinute).plus(RATE_WINDOW);
    long wait = Math.max(1, Duration.between(now, freed).toSeconds() + 1);
    throw new PortholeException(
        PortholeStatus.TOO_MANY_REQUESTS,
        "too many console requests: at most "
            + ticketsPerMinute
            + " per minute per user; try again in "
            + wait
            + " s",
        wait);
  }

  /**
   * Refuses when the VM has too many live consoles. Runs under the VM's ticket lock, after a
   * takeover ended the holders' consoles.
   *
   * @throws PortholeException TOO_MANY_REQUESTS
   */
  public void requireVmWithin(List<ConsoleSession> liveOnVm, UUID vmId) {
    if (liveOnVm.size() >= maxPerVm) {
      throw new PortholeException(
          PortholeStatus.TOO_MANY_REQUESTS,
          "VM "
              + vmId
              + " has "
              + liveOnVm.size()
              + " open consoles, the most it takes is "
              + maxPerVm
              + "; try again when one closed");
    }
  }
}
