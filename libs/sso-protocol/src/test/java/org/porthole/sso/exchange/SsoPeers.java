package org.porthole.sso.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.sso.gssapi.SsoAuthException;
import org.porthole.sso.protocol.SsoCodec;
import org.porthole.sso.protocol.SsoErrorCode;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;
import org.porthole.sso.protocol.SsoProtocolException;

/**
 * The checks both peers' fuzz targets share: one exchange over in-memory streams (no KDC), its
 * peer's bytes given whole, a GSSAPI factory that refuses, and what the exchange may do with them.
 */
final class SsoPeers {
  static final String SESSION = "console-session-0001";
  static final String NONCE = "fuzz-nonce-0123456789";

  /** What the guest may send per client message read: a reset is a signature and authenticate. */
  private static final int MAX_GUEST_LINES =
      2 + 2 * GuestExchange.MAX_RESETS + GuestExchange.MAX_CLIENT_MESSAGES + 1;

  private SsoPeers() {}

  /**
   * The guest reads {@code clientBytes}: it ends refused (never with an outcome: no acceptor
   * exists), acts on at most {@link GuestExchange#MAX_CLIENT_MESSAGES} lines (the next one is read
   * only to be refused), writes whole valid lines only and a bounded number of them, its last line
   * an error with the refusal's code, and never asks for a decision.
   */
  static String guestTakes(byte[] clientBytes) throws IOException {
    LinePerRead in = new LinePerRead(clientBytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger acceptors = new AtomicInteger();
    GuestExchange exchange =
        new GuestExchange(
            new SsoLines(in, out),
            SESSION,
            NONCE,
            "host/guest.porthole.test@PORTHOLE.TEST",
            binding -> {
              acceptors.incrementAndGet();
              throw new SsoAuthException(SsoAuthException.Reason.NO_CREDENTIALS, "no keytab");
            },
            (principal, tgt) -> fail("a decision without authentication, for " + principal),
            Clock.systemUTC());
    String code = null;
    try {
      GuestExchange.Outcome outcome = exchange.run();
      fail("an outcome without an acceptor: " + outcome);
    } catch (SsoRefusedException e) {
      code = e.code();
      List<SsoMessage> sent = decodeAll(out);
      assertThat(sent).hasSizeLessThanOrEqualTo(MAX_GUEST_LINES);
      assertThat(sent.subList(0, 2))
          .first()
          .isInstanceOfSatisfying(
              SsoMessage.Signature.class, s -> assertThat(s.nonce()).isEqualTo(NONCE));
      if (e.code().equals("closed")) {
        assertThat(in.atEnd()).isTrue();
      } else {
        assertThat(SsoErrorCode.fromWire(e.code())).isPresent();
        assertThat(sent.get(sent.size() - 1))
            .isEqualTo(new SsoMessage.Error(e.code(), e.getMessage()));
      }
    }
    assertThat(in.nonBlankLinesRead()).isLessThanOrEqualTo(GuestExchange.MAX_CLIENT_MESSAGES + 1);
    assertThat(acceptors.get()).isLessThanOrEqualTo(1);
    return code + (acceptors.get() > 0 ? " (acceptor refused)" : "");
  }

  /**
   * The client reads {@code guestBytes} with a GSSAPI client that cannot be made: it ends refused,
   * reads at most the stale lines, the signature and authenticate, and sends at most one line, an
   * error of its own code; when the refusal is the GSSAPI one it has sent nothing at all.
   *
   * @return the refusal's code, and whether the client factory was asked
   */
  static String clientTakes(byte[] guestBytes) throws IOException {
    LinePerRead in = new LinePerRead(guestBytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger clients = new AtomicInteger();
    ClientExchange exchange =
        new ClientExchange(
            new SsoLines(in, out),
            SESSION,
            NONCE,
            binding -> {
              clients.incrementAndGet();
              throw new SsoAuthException(SsoAuthException.Reason.NO_CREDENTIALS, "no TGT");
            });
    String code = null;
    try {
      fail("a result without a GSSAPI client: " + exchange.run());
    } catch (SsoRefusedException e) {
      code = e.code();
      List<SsoMessage> sent = decodeAll(out);
      assertThat(sent).hasSizeLessThanOrEqualTo(1);
      if (clients.get() > 0) {
        assertThat(e.code()).isEqualTo(SsoErrorCode.AUTH_FAILED.wire());
        assertThat(sent).isEmpty();
      } else if (!sent.isEmpty()) {
        assertThat(sent.get(0)).isEqualTo(new SsoMessage.Error(e.code(), e.getMessage()));
      }
      if (e.code().equals("closed")) {
        assertThat(in.atEnd()).isTrue();
      } else {
        assertThat(SsoErrorCode.fromWire(e.code())).isPresent();
      }
    }
    assertThat(in.nonBlankLinesRead()).isLessThanOrEqualTo(ClientExchange.MAX_STALE_LINES + 2);
    assertThat(clients.get()).isLessThanOrEqualTo(1);
    return code + (clients.get() > 0 ? " (client refused)" : "");
  }

  private static List<SsoMessage> decodeAll(ByteArrayOutputStream out) {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).matches("(?s)(.*\n)?");
    List<SsoMessage> messages = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      assertThat(line.getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(SsoCodec.MAX_LINE_BYTES);
      try {
        messages.add(SsoCodec.decode(line));
      } catch (SsoProtocolException e) {
        fail("the exchange wrote a line its peer refuses (" + e.code().wire() + ")");
      }
    }
    return messages;
  }

  /**
   * The peer's bytes, never more than one line per read, so that what the reader took tells how
   * many lines the exchange asked for.
   */
  private static final class LinePerRead extends InputStream {
    private final ByteArrayInputStream bytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int nonBlank;
    private boolean end;

    LinePerRead(byte[] data) {
      this.bytes = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int n = 0;
      while (n < len) {
        int c = bytes.read();
        if (c < 0) {
          end = true;
          countLine();
          return n == 0 ? -1 : n;
        }
        b[off + n++] = (byte) c;
        if (c == '\n') {
          countLine();
          break;
        }
        if (line.size() <= SsoCodec.MAX_LINE_BYTES) {
          line.write(c);
        }
      }
      return n;
    }

    private void countLine() {
      if (!line.toString(StandardCharsets.UTF_8).isBlank()) {
        nonBlank++;
      }
      line.reset();
    }

    int nonBlankLinesRead() {
      return nonBlank;
    }

    boolean atEnd() {
      return end;
    }
  }
}
