package org.porthole.bench.phase;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.client.ConnectProbe;
import org.porthole.bench.relay.RelayPath;

/**
 * Opens one console per backend mode at once and waits for their banners, so that one-time set-up
 * (the proxy's first mutual-TLS channel to each agent, class loading) happens before any phase and
 * in parallel rather than inside the first phase that uses each agent.
 */
public final class FirstConsoles {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private FirstConsoles() {}

  public static void open(ClientLoop loop, RelayPath path) throws PhaseFailedException {
    BackendMode[] modes = BackendMode.values();
    CountDownLatch done = new CountDownLatch(modes.length);
    AtomicInteger established = new AtomicInteger();
    for (BackendMode mode : modes) {
      loop.open(
          path.route(mode),
          new ConnectProbe(
              ok -> {
                if (ok) {
                  established.incrementAndGet();
                }
                done.countDown();
              }));
    }
    if (!Waits.await(done, TIMEOUT) || established.get() != modes.length) {
      throw new PhaseFailedException(
          established.get()
              + " of "
              + modes.length
              + " first consoles established within "
              + TIMEOUT.toSeconds()
              + " s");
    }
  }
}
