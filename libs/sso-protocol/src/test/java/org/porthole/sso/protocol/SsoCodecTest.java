package org.porthole.sso.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.guest.protocol.DocExamples;
import org.porthole.guest.protocol.VersionRange;

class SsoCodecTest {
  private static final String DOC = "docs/sso-protocol.md";
  private static final String NONCE = "q7Rz0cF3nY5-kW2_hT8pLm";

  @Test
  void everyExampleOfTheSpecDecodesAndEncodesToTheSameBytes() throws Exception {
    List<String> lines = DocExamples.lines(DOC);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(15);
    Set<Class<?>> seen = new HashSet<>();
    for (String line : lines) {
      SsoMessage message = SsoCodec.decode(line);
      seen.add(message.getClass());
      assertThat(SsoCodec.encode(message)).as(line).isEqualTo(line);
    }
    assertThat(seen)
        .as("the spec shows every message type")
        .containsExactlyInAnyOrder(
            SsoMessage.Signature.class,
            SsoMessage.Authenticate.class,
            SsoMessage.StartSasl.class,
            SsoMessage.StartTls.class,
            SsoMessage.Sasl.class,
            SsoMessage.Sealed.class,
            SsoMessage.Info.class,
            SsoMessage.Ok.class,
            SsoMessage.Error.class);
  }

  @Test
  void everyErrorCodeOfTheCodeTableIsOneOfTheEnumAndBack() throws Exception {
    String spec = java.nio.file.Files.readString(DocExamples.specFile(DOC));
    for (SsoErrorCode code : SsoErrorCode.values()) {
      assertThat(spec).as(code.name()).contains("| `" + code.wire() + "` |");
      assertThat(SsoErrorCode.fromWire(code.wire())).contains(code);
    }
    assertThat(SsoErrorCode.fromWire("no-such-code")).isEmpty();
  }

  @Test
  void tokensTravelAsCanonicalBase64AndComeBackByteForByte() throws Exception {
    byte[] token = new byte[SsoCodec.MAX_TOKEN_BYTES];
    for (int i = 0; i < token.length; i++) {
      token[i] = (byte) (i * 31);
    }
    String line = SsoCodec.encode(new SsoMessage.Sasl(token));
    assertThat(line.length()).isLessThan(SsoCodec.MAX_LINE_BYTES);
    assertThat(((SsoMessage.Sasl) SsoCodec.decode(line)).token()).isEqualTo(token);
    assertThat(SsoCodec.decode("{\"type\":\"sasl\",\"token\":\"\"}"))
        .isEqualTo(new SsoMessage.Sasl(new byte[0]));
  }

  @Test
  void aTokenOverTheCapIsRefusedBothWays() {
    byte[] over = new byte[SsoCodec.MAX_TOKEN_BYTES + 1];
    assertThatThrownBy(() -> SsoCodec.encode(new SsoMessage.Sealed(over)))
        .isInstanceOf(IllegalArgumentException.class);
    String line =
        "{\"type\":\"sealed\",\"data\":\"" + Base64.getEncoder().encodeToString(over) + "\"}";
    assertRefused(line, SsoErrorCode.BAD_MESSAGE, "data is over");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"sasl\",\"token\":\"YQ\"}", // no padding
        "{\"type\":\"sasl\",\"token\":\"YR==\"}", // trailing bits set
        "{\"type\":\"sasl\",\"token\":\"Y Q==\"}", // not the alphabet
        "{\"type\":\"sasl\",\"token\":\"YQ==\\n\"}", // MIME line break
        "{\"type\":\"sasl\",\"token\":\"-_-_\"}", // base64url, not base64
        "{\"type\":\"sasl\",\"token\":7}",
        "{\"type\":\"sasl\"}",
        "{\"type\":\"start-sasl\",\"token\":\"\"}", // no mechanism
        "{\"type\":\"signature\",\"min\":2,\"max\":1,\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\"}",
        "{\"type\":\"signature\",\"min\":1,\"max\":1.5,\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\"}",
        "{\"type\":\"signature\",\"min\":1,\"max\":65536,\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\"}",
        "{\"type\":\"signature\",\"min\":-1,\"max\":1,\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\"}",
        "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\"short\"}",
        "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\"q7Rz0cF3nY5+kW2/hT8pLm\"}",
        "{\"type\":\"signature\",\"min\":1,\"max\":1}",
        "{\"type\":\"authenticate\",\"types\":[]}",
        "{\"type\":\"authenticate\",\"types\":[\"\"]}",
        "{\"type\":\"authenticate\",\"types\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}",
        "{\"type\":\"authenticate\",\"types\":\"kerberos\"}",
        "{\"type\":\"ok\",\"result\":[]}",
        "{\"type\":\"error\",\"code\":\"busy\"}",
        "{\"type\":\"info\",\"attr\":\"\"}",
        "{\"type\":7}",
        "{}",
        "[]",
        "\"signature\""
      })
  void malformedMessagesAreBadMessages(String line) {
    assertRefused(line, SsoErrorCode.BAD_MESSAGE, "");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"type\":\"sasl\",\"token\":\"YQ==\"", // cut off
        "{\"type\":\"sasl\",\"type\":\"ok\"}", // duplicate key
        "{\"type\":\"ok\"} {\"type\":\"ok\"}", // two values
        "{\"type\":\"ok\",\"result\":{\"a\":NaN}}"
      })
  void textThatIsNotStrictJsonIsBadJson(String line) {
    assertRefused(line, SsoErrorCode.BAD_JSON, "invalid JSON");
  }

  @Test
  void nestingBeyondTheParsersDepthIsBadJsonNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertRefused(
        "{\"type\":\"ok\",\"result\":{\"x\":" + deep + "}}", SsoErrorCode.BAD_JSON, "invalid JSON");
  }

  @Test
  void anUnknownTypeIsNamedSoAndUnknownFieldsAreIgnored() throws Exception {
    assertRefused(
        "{\"type\":\"credentials\",\"kind\":\"kerberos\"}", SsoErrorCode.UNKNOWN_TYPE, "");
    assertThat(SsoCodec.decode("{\"type\":\"info\",\"attr\":\"spn\",\"later\":[1,2]}"))
        .isEqualTo(new SsoMessage.Info("spn"));
  }

  @Test
  void aNewerPeersRangeDecodesSoTheReceiverCanNegotiateOrRefuse() throws Exception {
    SsoMessage m =
        SsoCodec.decode("{\"type\":\"signature\",\"min\":2,\"max\":3,\"nonce\":\"" + NONCE + "\"}");
    assertThat(m).isEqualTo(new SsoMessage.Signature(new VersionRange(2, 3), NONCE));
    assertThat(((SsoMessage.Signature) m).versions().negotiate(VersionRange.V1)).isEmpty();
  }

  @Test
  void tokensNeverShowInToStringOrInRefusals() {
    byte[] secret = "krbtgt-session-key-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(secret);
    assertThat(new SsoMessage.Sasl(secret).toString()).doesNotContain(b64).contains("24 bytes");
    assertThat(new SsoMessage.StartSasl("GSSAPI", secret).toString()).doesNotContain(b64);
    assertThat(new SsoMessage.Sealed(secret).toString()).doesNotContain(b64);
    String bad = "{\"type\":\"sasl\",\"token\":\"" + b64.substring(1) + "\"}";
    assertThatThrownBy(() -> SsoCodec.decode(bad)).hasMessageNotContaining(b64.substring(1));
  }

  @Test
  void messagesCompareByContentAndKeepTheirOwnCopies() {
    byte[] token = {1, 2, 3};
    SsoMessage.Sasl sasl = new SsoMessage.Sasl(token);
    token[0] = 9;
    assertThat(sasl.token()).containsExactly(1, 2, 3);
    sasl.token()[1] = 9;
    assertThat(sasl).isEqualTo(new SsoMessage.Sasl(new byte[] {1, 2, 3}));
    assertThat(new SsoMessage.Ok(Map.of("a", "b")).result()).containsEntry("a", "b");
  }

  private static void assertRefused(String line, SsoErrorCode code, String text) {
    assertThatThrownBy(() -> SsoCodec.decode(line))
        .isInstanceOfSatisfying(
            SsoProtocolException.class,
            e -> {
              assertThat(e.code()).as(line).isEqualTo(code);
              assertThat(e.getMessage()).contains(text);
              assertThat(e.toReply().code()).isEqualTo(code.wire());
            });
  }
}
