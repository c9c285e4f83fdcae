package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/** Counts every byte the backend's source mode sends after the banner. */
public final class BulkReader extends ConsoleClient {
  private final LongAdder bytes;
  private final CountDownLatch established;

  public BulkReader(LongAdder bytes, CountDownLatch established) {
    this.bytes = bytes;
    this.established = established;
  }

  @Override
  protected void onEstablished(ChannelHandlerContext ctx) {
    established.countDown();
  }

  @Override
  protected void onData(ChannelHandlerContext ctx, ByteBuf data) {
    bytes.add(data.readableBytes());
  }
}
