package org.porthole.hostagent.relay;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.status.PortholeStatus;

/**
 * Opens console relays for {@code OpenConsole} calls and owns their threads.
 *
 * <p>Threading model: each relay takes one thread of a bounded pool ({@code maxConsoles}
 * threads, no queue) for its whole life: it verifies the token, connects to QEMU and then
 * blocks reading QEMU, forwarding each chunk only while the gRPC call is ready. Bytes from
 * the client are written to QEMU on gRPC's callback thread, and the next client message is
 * requested only after that write completed. A full pool refuses new consoles with
 * UPSTREAM_UNAVAILABLE rather than queueing them. One scheduler thread enforces the
 * open-frame deadline.
 */
public final class ConsoleRelays implements AutoCloseable {
  /** The largest data frame either way (docs/contracts.md). */
  public static final int MAX_CHUNK_BYTES = 64 * 1024;

  private final ConsoleAuthorizer authorizer;
  private final ConsoleTargets targets;
  private final RelayRegistry registry;
  private final Duration openTimeout;
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService timer;
  private final Set<ConsoleStream> active = ConcurrentHashMap.newKeySet();

  public ConsoleRelays(ConsoleAuthorizer authorizer, ConsoleTargets targets,
      RelayRegistry registry, int maxConsoles, Duration openTimeout) {
    this.authorizer = authorizer;
    this.targets = targets;
    this.registry = registry;
    this.openTimeout = openTimeout;
    this.pool = new ThreadPoolExecutor(0, maxConsoles, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemonThreads("console-relay"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("console-deadline"));
  }

  /** Starts a relay for one OpenConsole call; returns the observer for client frames. */
  public StreamObserver<ConsoleFrame> open(StreamObserver<ConsoleFrame> responses) {
    ConsoleStream stream = new ConsoleStream(
        (ServerCallStreamObserver<ConsoleFrame>) responses, this);
    active.add(stream);
    stream.start();
    return stream;
  }

  /** Streams not yet ended (for shutdown and for tests that check nothing leaks). */
  public int activeCount() {
    return active.size();
  }

  /** Ends every console and stops the threads. */
  @Override
  public void close() {
    for (ConsoleStream s : List.copyOf(active)) {
      s.end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is shutting down");
    }
    timer.shutdownNow();
    pool.shutdownNow();
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
    return openTimeout;
  }

  ThreadPoolExecutor pool() {
    return pool;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  void ended(ConsoleStream stream) {
    active.remove(stream);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
