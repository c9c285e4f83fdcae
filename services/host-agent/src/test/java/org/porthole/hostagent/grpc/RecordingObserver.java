package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;

/** Records what the agent sends on a console stream, for assertions. */
final class RecordingObserver implements StreamObserver<ConsoleFrame> {
  /** Every wait's bound: generous, for a loaded 2-core machine. */
  static final long WAIT_SECONDS = 30;

  private final BlockingQueue<ConsoleFrame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> status = new CompletableFuture<>();

  @Override
  public void onNext(ConsoleFrame frame) {
    frames.add(frame);
  }

  @Override
  public void onError(Throwable t) {
    status.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    status.complete(Status.OK);
  }

  /** The next data frame's bytes (skipping nothing else: a close frame fails the test). */
  byte[] nextData() throws InterruptedException {
    ConsoleFrame f = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(f).as("a data frame within " + WAIT_SECONDS + " s").isNotNull();
    assertThat(f.getKindCase()).as("frame kind").isEqualTo(ConsoleFrame.KindCase.DATA);
    return f.getData().toByteArray();
  }

  /**
   * Waits until {@code n} frames arrived, without reading their bytes: a frame must keep its bytes
   * however long it waits to be read.
   */
  void awaitFrames(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (frames.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(frames)
        .as(n + " frames within " + WAIT_SECONDS + " s")
        .hasSizeGreaterThanOrEqualTo(n);
  }

  /** Reads data frames until {@code n} bytes arrived. */
  byte[] readBytes(int n) throws InterruptedException {
    byte[] out = new byte[0];
    while (out.length < n) {
      byte[] more = nextData();
      byte[] joined = new byte[out.length + more.length];
      System.arraycopy(out, 0, joined, 0, out.length);
      System.arraycopy(more, 0, joined, out.length, more.length);
      out = joined;
    }
    return out;
  }

  Status awaitStatus() throws Exception {
    return status.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Data frames received and not read yet. */
  long dataFrames() {
    return frames.stream().filter(f -> f.getKindCase() == ConsoleFrame.KindCase.DATA).count();
  }

  /** The close frame sent before the stream ended. */
  ConsoleClose lastClose() {
    ConsoleFrame last = null;
    for (ConsoleFrame f : frames) {
      last = f;
    }
    assertThat(last).as("a close frame").isNotNull();
    assertThat(last.getKindCase()).isEqualTo(ConsoleFrame.KindCase.CLOSE);
    return last.getClose();
  }
}
