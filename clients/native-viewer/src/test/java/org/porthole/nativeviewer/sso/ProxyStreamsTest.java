package org.porthole.nativeviewer.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;

class ProxyStreamsTest {

  /** WebSocket messages as a {@code ProxyConnection} hands them out: at most {@code len} a read. */
  private static final class Messages implements ProxyStreams.Source {
    private final Deque<byte[]> messages = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int offset;
    int reads;
    int readsAfterEnd;
    private boolean ended;

    Messages(String... parts) {
      for (String part : parts) {
        messages.add(part.getBytes(StandardCharsets.UTF_8));
      }
    }

    @Override
    public int read(byte[] buf, int off, int len) {
      reads++;
      if (offset == current.length) {
        if (messages.isEmpty()) {
          readsAfterEnd += ended ? 1 : 0;
          ended = true;
          return -1;
        }
        current = messages.poll();
        offset = 0;
      }
      int n = Math.min(len, current.length - offset);
      System.arraycopy(current, offset, buf, off, n);
      offset += n;
      return n;
    }
  }

  @Test
  void aReadTakesAtMostWhatWasAskedAndTheRestComesNext() throws IOException {
    InputStream in = ProxyStreams.input(new Messages("hello", "world\n"));
    byte[] buf = new byte[8];

    assertThat(readString(in, buf, 3)).isEqualTo("hel");
    assertThat(readString(in, buf, 3)).isEqualTo("lo");
    assertThat(readString(in, buf, 8)).isEqualTo("world\n");
  }

  @Test
  void theEndIsMinusOneAndStaysSoWithoutAskingTheConnectionAgain() throws IOException {
    Messages source = new Messages("ab");
    InputStream in = ProxyStreams.input(source);
    byte[] buf = new byte[4];

    assertThat(in.read(buf, 0, 4)).isEqualTo(2);
    assertThat(in.read(buf, 0, 4)).isEqualTo(-1);
    assertThat(in.read(buf, 0, 4)).isEqualTo(-1);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(source.readsAfterEnd).isZero();
  }

  @Test
  void singleByteReadsSeeEveryByteUnsigned() throws IOException {
    InputStream in = ProxyStreams.input(new Messages("a", "\u00ff"));
    assertThat(in.read()).isEqualTo('a');
    assertThat(in.read()).isEqualTo(0xc3);
    assertThat(in.read()).isEqualTo(0xbf);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void anEmptyReadReturnsAtOnce() throws IOException {
    Messages source = new Messages("x");
    assertThat(ProxyStreams.input(source).read(new byte[4], 0, 0)).isZero();
    assertThat(source.reads).isZero();
  }

  @Test
  void anInterruptedReadIsAnInterruptedIoExceptionAndKeepsTheFlag() {
    InputStream in =
        ProxyStreams.input(
            (buf, off, len) -> {
              throw new InterruptedException();
            });
    try {
      assertThatThrownBy(() -> in.read(new byte[4], 0, 4))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aLineSplitOverMessagesIsOneSsoMessageThenTheEnd() throws IOException {
    String signature =
        "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\","
            + "\"challenge\":\"mQ3x_V9bK2tYpL0aZr7eWg\"}\n";
    SsoLines lines =
        new SsoLines(
            ProxyStreams.input(
                new Messages(
                    signature.substring(0, 20),
                    signature.substring(20, 50),
                    signature.substring(50))),
            OutputStream.nullOutputStream());

    SsoLines.Read read = lines.next();
    assertThat(read).isInstanceOf(SsoLines.Read.Message.class);
    SsoMessage message = ((SsoLines.Read.Message) read).message();
    assertThat(message).isInstanceOf(SsoMessage.Signature.class);
    assertThat(((SsoMessage.Signature) message).nonce()).isEqualTo("q7Rz0cF3nY5-kW2_hT8pLm");
    assertThat(lines.next()).isNull();
  }

  @Test
  void aWriteSendsExactlyTheCallersRangeAsOneMessage() throws IOException {
    List<byte[]> sent = new ArrayList<>();
    OutputStream out =
        ProxyStreams.output((buf, off, len) -> sent.add(Arrays.copyOfRange(buf, off, off + len)));

    out.write("xxabcxx".getBytes(StandardCharsets.US_ASCII), 2, 3);
    out.write('z');
    out.write(new byte[3], 0, 0);

    assertThat(sent).hasSize(2);
    assertThat(new String(sent.get(0), StandardCharsets.US_ASCII)).isEqualTo("abc");
    assertThat(sent.get(1)).containsExactly('z');
  }

  @Test
  void anSsoMessageLeavesAsOneWholeLine() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<Integer> writes = new ArrayList<>();
    OutputStream out =
        ProxyStreams.output(
            (buf, off, len) -> {
              writes.add(len);
              wire.write(buf, off, len);
            });
    new SsoLines(InputStream.nullInputStream(), out)
        .send(new SsoMessage.Error("unexpected", "out of turn"));

    assertThat(writes).hasSize(1);
    assertThat(wire.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"error\",\"code\":\"unexpected\",\"text\":\"out of turn\"}\n");
  }

  private static String readString(InputStream in, byte[] buf, int len) throws IOException {
    int n = in.read(buf, 0, len);
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
