package org.porthole.hostagent.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.porthole.hostagent.libvirt.GraphicsSignal;

/**
 * Which console session each relay connection to QEMU belongs to, so that libvirt's GRAPHICS events
 * can name their session. Behind the ws-proxy every client has the same address, but each relay's
 * socket has its own local port, which QEMU reports as the client's service. Relays over a unix
 * socket have no port: an INITIALIZE on a unix socket matches the oldest unix relay of that domain
 * whose INITIALIZE is still due: its password response went to QEMU, QEMU did not refuse it, and
 * the agent's own ClientInit reached QEMU or may still (QEMU reports INITIALIZE at ClientInit,
 * which the agent sends within the VM's password turn, see QemuLogin; relays log in one at a time
 * per VM, see PasswordTurns, and QEMU reports in order). CONNECT and DISCONNECT on a unix socket
 * match no relay (the relays report their own).
 *
 * <p>A binding outlives its relay by {@link #GRACE} so that the DISCONNECT event, which arrives
 * after the socket closed, still finds it. Thread-safe.
 */
public final class RelayRegistry {
  static final Duration GRACE = Duration.ofSeconds(60);
  private static final int NO_PORT = -1;
  private static final long PURGE_INTERVAL_MS = 1000;

  private final Clock clock;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Binding> bindings = new ConcurrentHashMap<>();

  /** Unix relays whose INITIALIZE may still come, oldest first; guarded by itself. */
  private final Deque<Binding> awaitingInitialize = new ArrayDeque<>();

  private final AtomicLong nextPurgeMs = new AtomicLong();

  /** Domains leaving this host by live migration (their consoles end because of it). */
  private final Set<String> leaving = ConcurrentHashMap.newKeySet();

  public RelayRegistry(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether {@code vmUuid} is leaving this host by live migration: set by its {@code
   * SUSPENDED/MIGRATED} or {@code STOPPED/MIGRATED} lifecycle event, cleared by any other (a failed
   * migration resumes it with {@code RESUMED/MIGRATED}).
   */
  public void leaving(String vmUuid, boolean byMigration) {
    String key = vmUuid.toLowerCase(Locale.ROOT);
    if (byMigration) {
      leaving.add(key);
    } else {
      leaving.remove(key);
    }
  }

  /** True while {@code vmUuid} is leaving this host by live migration ({@link #leaving}). */
  public boolean leaving(String vmUuid) {
    return leaving.contains(vmUuid.toLowerCase(Locale.ROOT));
  }

  /** One relay connection. {@code localPort} is -1 on a unix socket. */
  public record Binding(
      long id,
      String sessionId,
      String vmUuid,
      String clientAddress,
      int localPort,
      Instant releasedAt) {
    boolean open() {
      return releasedAt == null;
    }
  }

  /** Records a relay's connection before it connects, so no event can outrun it. */
  public Binding bind(String sessionId, String vmUuid, String clientAddress, int localPort) {
    purgeExpired();
    Binding b =
        new Binding(
            ids.incrementAndGet(),
            sessionId,
            vmUuid,
            clientAddress,
            localPort > 0 ? localPort : NO_PORT,
            null);
    bindings.put(b.id(), b);
    return b;
  }

  /** Marks the relay closed; its binding still answers events for a grace period. */
  public void release(Binding b) {
    bindings.computeIfPresent(
        b.id(),
        (id, old) ->
            new Binding(
                old.id(),
                old.sessionId(),
                old.vmUuid(),
                old.clientAddress(),
                old.localPort(),
                clock.instant()));
  }

  /** Forgets a binding at once (its DISCONNECT event was seen). */
  public void forget(Binding b) {
    bindings.remove(b.id());
  }

  /**
   * A unix relay sent QEMU its password response ({@code expected} true), or learnt QEMU refused it
   * ({@code false}): an INITIALIZE of that VM is, or is no longer, its own.
   */
  public void expectInitialize(Binding b, boolean expected) {
    if (b.localPort() != NO_PORT) {
      return;
    }
    synchronized (awaitingInitialize) {
      if (expected) {
        awaitingInitialize.add(b);
      } else {
        awaitingInitialize.remove(b);
      }
    }
  }

  /** The relay that caused a GRAPHICS event, if it was one of ours. */
  public Optional<Binding> match(GraphicsSignal s) {
    int port = s.remote().port();
    if (port > 0) {
      return candidates(s.vmUuid()).stream()
          .filter(b -> b.localPort() == port)
          .max(Comparator.comparing(Binding::open).thenComparing(Binding::id));
    }
    if (s.remote().family() == GraphicsSignal.Family.UNIX
        && s.phase() == GraphicsSignal.Phase.INITIALIZE) {
      return takeAwaiting(s.vmUuid());
    }
    return Optional.empty();
  }

  private Optional<Binding> takeAwaiting(String vmUuid) {
    synchronized (awaitingInitialize) {
      for (Iterator<Binding> it = awaitingInitialize.iterator(); it.hasNext(); ) {
        Binding b = it.next();
        if (b.vmUuid().equalsIgnoreCase(vmUuid)) {
          it.remove();
          return Optional.of(b);
        }
      }
    }
    return Optional.empty();
  }

  /** Relays whose socket is open now. */
  public int openCount() {
    return (int) bindings.values().stream().filter(Binding::open).count();
  }

  private List<Binding> candidates(String vmUuid) {
    return bindings.values().stream().filter(b -> b.vmUuid().equalsIgnoreCase(vmUuid)).toList();
  }

  /** At most once a second: a scan per bind would make opening consoles quadratic. */
  private void purgeExpired() {
    long now = clock.millis();
    long due = nextPurgeMs.get();
    if (now < due || !nextPurgeMs.compareAndSet(due, now + PURGE_INTERVAL_MS)) {
      return;
    }
    Instant cutoff = clock.instant().minus(GRACE);
    bindings.values().removeIf(b -> !b.open() && b.releasedAt().isBefore(cutoff));
    synchronized (awaitingInitialize) {
      awaitingInitialize.removeIf(b -> !bindings.containsKey(b.id()));
    }
  }
}
