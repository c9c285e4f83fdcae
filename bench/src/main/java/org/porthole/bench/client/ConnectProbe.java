package org.porthole.bench.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;

/**
 * Opens one console, counts it when the banner arrives and closes it at once with a reset (no
 * TIME_WAIT left on the client side, so thousands of connections per second do not exhaust loopback
 * ports). Calls {@code next} when done, whatever the outcome.
 */
public final class ConnectProbe extends ConsoleClient {
  /** Told once per probe. */
  public interface Done {
    void done(boolean established);
  }

  private final Done next;

  public ConnectProbe(Done next) {
    this.next = next;
  }

  @Override
  protected void onEstablished(ChannelHandlerContext ctx) {
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.close();
  }

  @Override
  protected void onClosed(boolean wasEstablished) {
    next.done(wasEstablished);
  }
}
