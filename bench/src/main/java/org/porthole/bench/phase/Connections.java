package org.porthole.bench.phase;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The channels a phase opened, so it can close all of them and wait (bounded) until they are gone.
 */
final class Connections {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
  private final List<Channel> channels = new ArrayList<>();

  synchronized void add(ChannelFuture f) {
    channels.add(f.channel());
  }

  /** Resets every connection (no TIME_WAIT) and waits for their close, at most 20 s. */
  void closeAll() {
    List<Channel> all;
    synchronized (this) {
      all = new ArrayList<>(channels);
      channels.clear();
    }
    CountDownLatch closed = new CountDownLatch(all.size());
    for (Channel ch : all) {
      if (ch.isOpen()) {
        ch.eventLoop()
            .execute(
                () -> {
                  if (ch.isActive()) {
                    ch.config().setOption(ChannelOption.SO_LINGER, 0);
                  }
                  ch.close();
                });
      }
      ch.closeFuture().addListener(f -> closed.countDown());
    }
    try {
      closed.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many channels are still open. */
  synchronized int openCount() {
    int n = 0;
    for (Channel ch : channels) {
      if (ch.isActive()) {
        n++;
      }
    }
    return n;
  }
}
