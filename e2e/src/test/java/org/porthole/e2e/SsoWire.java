package org.porthole.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import org.porthole.sso.exchange.ClientExchange;
import org.porthole.sso.exchange.SsoRefusedException;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * The test's own SSO client, for what {@code porthole-viewer} never does: sign in with another
 * principal's TGT, hold the VM's SSO port, replay a recorded token. It opens an interactive console
 * with SSO for a user (so the session's console relays, as the host agent requires) and the
 * session's SSO channel at the ws-proxy's {@code /v1/sso}, and speaks docs/sso-protocol.md over it
 * with the library the viewer uses.
 */
final class SsoWire implements AutoCloseable {
  private static final Duration READ = Duration.ofSeconds(40);

  final String session;
  final String nonce;
  final String spn;
  private final WsClient console;
  private final WsClient channel;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  final SsoLines lines;

  private SsoWire(String session, JsonNode sso, WsClient console, WsClient channel) {
    this.session = session;
    this.nonce = sso.path("nonce").asText();
    this.spn = sso.path("spn").asText();
    this.console = console;
    this.channel = channel;
    this.lines = new SsoLines(input(), output());
  }

  /** A console with SSO for {@code user} on the stack's demo VM, relaying, and its SSO channel. */
  static SsoWire open(LocalStack stack, EngineClient user) throws IOException {
    EngineClient.Ticket ticket =
        EngineClient.ticketOf(
            user.send(
                "POST",
                "/vms/" + stack.demoVmUuid() + "/consoles",
                "{\"mode\":\"interactive\",\"sso\":true}"));
    String origin = stack.options().engineUrl();
    WsClient console =
        WsClient.open(
            ticket.proxyUrl(), origin, List.of("binary", "porthole.token." + ticket.token()));
    try {
      RfbClient.throughPorthole(console);
      JsonNode sso = ticket.body().path("sso");
      WsClient channel =
          WsClient.open(
              sso.path("proxyUrl").asText(),
              origin,
              List.of("binary", "porthole.token." + sso.path("token").asText()));
      return new SsoWire(ticket.sessionId(), sso, console, channel);
    } catch (IOException | RuntimeException e) {
      console.close();
      throw e;
    }
  }

  /**
   * Like {@link #open}, once the guest's first bytes (its signature, left unread) arrived: while an
   * earlier exchange still holds the VM's SSO port (the host agent frees it once that stream has
   * ended) or the guest still runs it (a test image's probe runs after the {@code sso-end} line),
   * the channel is closed 4009 busy, and this tries again, within {@code limit}.
   */
  static SsoWire openWhenFree(LocalStack stack, EngineClient user, Duration limit)
      throws IOException, InterruptedException {
    java.time.Instant deadline = java.time.Instant.now().plus(limit);
    while (true) {
      SsoWire wire = open(stack, user);
      Integer code = null;
      java.time.Instant wait = java.time.Instant.now().plus(Duration.ofSeconds(20));
      while (wire.channel.receivedCount() == 0 && java.time.Instant.now().isBefore(wait)) {
        code = wire.channel.awaitClose(Duration.ofMillis(100));
        if (code != null && wire.channel.receivedCount() == 0) {
          break;
        }
      }
      if (wire.channel.receivedCount() > 0) {
        return wire;
      }
      String reason = code == null ? "" : " (" + wire.channel.closeReason() + ")";
      wire.close();
      if (code == null || code != 4009 || java.time.Instant.now().isAfter(deadline)) {
        throw new IOException("no signature on the SSO channel: closed " + code + reason);
      }
      Thread.sleep(200);
    }
  }

  /** A whole exchange with the TGT of {@code subject}, delegating per {@code policy}. */
  Map<String, Object> exchange(Subject subject, DelegationPolicy policy)
      throws IOException, SsoRefusedException {
    return new ClientExchange(
            lines, session, nonce, binding -> new GssapiClient(subject, spn, policy, binding))
        .run();
  }

  /** The lines this client sent so far, in order. */
  List<String> sentLines() {
    return new String(sent.toByteArray(), StandardCharsets.UTF_8).lines().toList();
  }

  /** Writes {@code line} and its newline as they are, past the codec. */
  void sendRaw(String line) {
    channel.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The SSO channel's close code, or null when it is still open after {@code limit}. */
  Integer awaitClose(Duration limit) throws InterruptedException {
    return channel.awaitClose(limit);
  }

  String closeReason() {
    return channel.closeReason();
  }

  private InputStream input() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        try {
          b[off] = channel.read(1, READ)[0];
          return 1;
        } catch (IOException e) {
          try {
            if (channel.awaitClose(Duration.ofMillis(1)) != null) {
              return -1; // closed and every byte read: the end of the stream
            }
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
          throw e;
        }
      }
    };
  }

  private OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
        synchronized (sent) {
          sent.write(copy, 0, copy.length);
        }
        channel.write(copy);
      }
    };
  }

  @Override
  public void close() {
    channel.close();
    console.close();
  }
}
