package org.porthole.guestagent.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port that is a device (a FIFO here, opened read-write as the agent opens a virtio port): a
 * write is not held up by a read blocked on the same port, and closing the port wakes a writer
 * blocked because nobody drains it (a virtio port without a host client blocks writes so).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // a hang fails the test, not the build
class PortChannelTest {
  /** Linux pipes hold 64 KiB: the 17th 4 KiB write blocks. */
  private static final int PIPE_CHUNKS = 16;

  @TempDir Path dir;

  @Test
  void aWriteIsNotHeldUpByABlockedRead() throws Exception {
    try (PortChannel port = PortChannel.open(fifo())) {
      CompletableFuture<Integer> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return port.in().read();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      CompletableFuture<Void> write =
          CompletableFuture.runAsync(
              () -> {
                try {
                  port.out().write(new byte[] {'x'});
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      write.get(10, TimeUnit.SECONDS);
      assertEquals('x', read.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closingThePortWakesAWriterNobodyDrains() throws Exception {
    PortChannel port = PortChannel.open(fifo());
    byte[] chunk = new byte[4096];
    AtomicInteger written = new AtomicInteger();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                while (true) {
                  port.out().write(chunk); // the pipe (64 KiB) fills up, then write(2) blocks
                  written.incrementAndGet();
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (written.get() < PIPE_CHUNKS && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(PIPE_CHUNKS, written.get(), "the pipe is full and the writer blocked");
    port.close();
    ExecutionException ended =
        assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, ended.getCause());
  }

  private Path fifo() throws IOException, InterruptedException {
    Path fifo = dir.resolve("vport0p1");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    return fifo;
  }
}
