package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/**
 * Fuzz target for what an open console's client sends after the upgrade: a sequence of WebSocket
 * frames (RFC 6455 section 5) written by the fuzzer, some malformed (unmasked, RSV bits, reserved
 * opcodes, fragmented or long control frames, stray continuations, text, frames over the maximum),
 * and the stream cut at an arbitrary byte. The host agent receives exactly the payloads of the
 * binary messages before the first frame that must end the console, in order, and nothing after; a
 * console that received such a frame is closed. Seeds in {@code FrameFuzzTestInputs/}.
 */
class FrameFuzzTest {

  private static final String HOST = "agent-a:9443";
  private static final int MAX_FRAME = 4096;
  private static final int BINARY = 2;
  private static final int CONTINUATION = 0;
  private static final int CLOSE = 8;
  private static final int PING = 9;
  private static final int PONG = 10;

  @FuzzTest(maxDuration = "30s")
  void agentGetsExactlyTheBinaryPayloadsBeforeTheFirstFrameThatEndsTheConsole(
      FuzzedDataProvider data) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    boolean ended = false;
    boolean fragmented = false;
    for (int n = data.consumeInt(0, 8); n > 0; n--) {
      Frame f = Frame.of(data);
      wire.writeBytes(f.encode());
      if (ended) {
        continue;
      }
      if (!f.wellFormed() || f.opcode() == CLOSE) {
        ended = true;
      } else if (f.opcode() == BINARY && !fragmented) {
        expected.writeBytes(f.payload());
        fragmented = !f.fin();
      } else if (f.opcode() == CONTINUATION && fragmented) {
        expected.writeBytes(f.payload());
        fragmented = !f.fin();
      } else if (f.opcode() != PING && f.opcode() != PONG) {
        ended = true; // text, a stray continuation, or a new message inside a fragmented one
      }
    }
    byte[] bytes = wire.toByteArray();
    int cut = data.consumeBoolean() ? bytes.length : data.consumeInt(0, bytes.length);
    boolean complete = cut == bytes.length;

    TokenMint tokens = new TokenMint();
    FakeHostAgent agent = new FakeHostAgent();
    try (InProcessAgents agents = new InProcessAgents().add(HOST, agent);
        EmbeddedConsole console = open(tokens, agents)) {
      console.rawBytes(Arrays.copyOf(bytes, cut));
      if (complete) {
        assertThat(agent.receivedData()).isEqualTo(expected.toByteArray());
      } else {
        byte[] got = agent.receivedData();
        byte[] all = expected.toByteArray();
        assertThat(got.length).isLessThanOrEqualTo(all.length);
        assertThat(Arrays.equals(got, 0, got.length, all, 0, got.length)).isTrue();
      }
      if (complete && ended) {
        assertThat(console.closeFrame() != null || !console.server().isActive())
            .as("the console ended")
            .isTrue();
      }
    }
  }

  private static EmbeddedConsole open(TokenMint tokens, InProcessAgents agents) {
    EmbeddedConsole console =
        new EmbeddedConsole(
            new ConsoleChannelInitializer(
                null,
                ProxyFixtures.config(
                    MAX_FRAME, Duration.ofSeconds(20), URI.create("http://127.0.0.1:9/jwks")),
                ProxyFixtures.authenticator(tokens),
                agents));
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    assertThat(answer.status()).isEqualTo(101);
    console.binaryBytes(); // the agent's banner
    return console;
  }

  /** One frame as a client writes it, possibly malformed. */
  private record Frame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload, int mask) {

    static Frame of(FuzzedDataProvider data) {
      int opcode =
          data.consumeBoolean()
              ? data.pickValue(new int[] {BINARY, BINARY, CONTINUATION, 1, CLOSE, PING, PONG})
              : data.consumeInt(0, 15);
      boolean fin = data.consumeProbabilityDouble() < 0.8;
      int rsv = data.consumeProbabilityDouble() < 0.9 ? 0 : data.consumeInt(1, 7);
      boolean masked = data.consumeProbabilityDouble() < 0.95;
      int length =
          data.consumeProbabilityDouble() < 0.9
              ? data.consumeInt(0, 200)
              : data.consumeInt(0, MAX_FRAME + 100);
      byte[] payload = new byte[length];
      byte[] given = data.consumeBytes(Math.min(length, 64));
      for (int i = 0; i < length; i++) {
        payload[i] = given.length == 0 ? (byte) i : given[i % given.length];
      }
      if (opcode == CLOSE && length >= 2) {
        payload[0] = 0x03; // 1000: a valid close code, so only the frame's shape matters
        payload[1] = (byte) 0xe8;
      }
      return new Frame(opcode, fin, rsv, masked, payload, data.consumeInt());
    }

    /** What RFC 6455 lets a client send (before what the proxy does with it). */
    boolean wellFormed() {
      boolean control = opcode >= CLOSE;
      boolean known = opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
      return known
          && rsv == 0
          && masked
          && payload.length <= MAX_FRAME
          && (!control || (fin && payload.length <= 125))
          && (opcode != CLOSE || payload.length != 1);
    }

    byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
      int maskBit = masked ? 0x80 : 0;
      if (payload.length < 126) {
        out.write(maskBit | payload.length);
      } else {
        out.write(maskBit | 126);
        out.write(payload.length >>> 8);
        out.write(payload.length & 0xff);
      }
      byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
      if (masked) {
        out.writeBytes(key);
      }
      for (int i = 0; i < payload.length; i++) {
        out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
      }
      return out.toByteArray();
    }
  }
}
