package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LineWriterTest {

  /** An output stream that writes byte by byte and yields between bytes, to invite interleaving. */
  private static final class SlowSink extends OutputStream {
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    @Override
    public void write(int b) {
      synchronized (bytes) {
        bytes.write(b);
      }
      Thread.yield();
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        write(b[off + i]);
      }
    }

    byte[] toByteArray() {
      synchronized (bytes) {
        return bytes.toByteArray();
      }
    }
  }

  @Test
  void concurrentWritersProduceOnlyWholeLines() throws Exception {
    SlowSink sink = new SlowSink();
    LineWriter writer = new LineWriter(sink);
    int threads = 8;
    int perThread = 300;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    writer.send(
                        new Message.Event(
                            "status",
                            Map.of(
                                "thread", (long) id, "i", (long) i, "pad", "x".repeat(50 + id))));
                  }
                } catch (Exception e) {
                  failures.add(e);
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertEquals(List.of(), failures);
    LineReader reader = new LineReader(new ByteArrayInputStream(sink.toByteArray()));
    Set<String> seen = new HashSet<>();
    for (Frame f = reader.next(); f != null; f = reader.next()) {
      Message.Event e = (Message.Event) MessageCodec.decode(((Frame.Line) f).text());
      seen.add(e.data().get("thread") + "/" + e.data().get("i"));
    }
    assertEquals(threads * perThread, seen.size());
  }

  @Test
  void refusesToSendALineThePeerWouldDrop() {
    LineWriter writer = new LineWriter(OutputStream.nullOutputStream());
    Message big = new Message.Event("big", Map.of("s", "x".repeat(LineFramer.MAX_LINE_BYTES)));
    assertThrows(IllegalArgumentException.class, () -> writer.send(big));
  }

  @Test
  void writesOneTerminatedLinePerMessage() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    new LineWriter(out).send(new Message.Heartbeat(1));
    assertEquals(
        "{\"type\":\"heartbeat\",\"seq\":1}\n",
        out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }
}
