package org.porthole.bench.client;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds a console open without sending data. Pings from the Porthole proxy are answered with pongs
 * by Netty's WebSocket client handler, as a browser would. Reports once when the console is
 * established (or failed to be) and counts consoles that close after being established.
 */
public final class IdleHolder extends ConsoleClient {
  /** Called once per holder: {@code true} when established, {@code false} when it never was. */
  public interface Outcome {
    void settled(boolean established);
  }

  private final Outcome outcome;
  private final AtomicInteger dropped;
  private boolean settled;

  public IdleHolder(Outcome outcome, AtomicInteger dropped) {
    this.outcome = outcome;
    this.dropped = dropped;
  }

  @Override
  protected void onEstablished(ChannelHandlerContext ctx) {
    settled = true;
    outcome.settled(true);
  }

  @Override
  protected void onClosed(boolean wasEstablished) {
    if (wasEstablished) {
      dropped.incrementAndGet();
    }
    if (!settled) {
      settled = true;
      outcome.settled(false);
    }
  }
}
