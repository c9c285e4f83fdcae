package org.porthole.sso.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.porthole.guest.protocol.VersionRange;

/**
 * Generated input for the codec: every message it can encode decodes to itself, and no line or byte
 * stream, however hostile, gets anything out of the reader but a message, a refusal or the end.
 */
class SsoCodecPropertiesTest {

  @Property(tries = 500)
  void everyMessageSurvivesTheWire(@ForAll("messages") SsoMessage message) throws Exception {
    String line = SsoCodec.encode(message);
    assertThat(line).doesNotContain("\n");
    assertThat(SsoCodec.decode(line)).isEqualTo(message);
  }

  @Property(tries = 2000)
  void anyLineIsAMessageOrARefusal(@ForAll String line) {
    try {
      SsoCodec.decode(line);
    } catch (SsoProtocolException e) {
      assertThat(e.code()).isNotNull();
      assertThat(e.toReply().code()).isEqualTo(e.code().wire());
    }
  }

  @Property(tries = 300)
  void anyBytesReadAsMessagesRefusalsOrTheEnd(@ForAll @Size(max = 4096) byte[] bytes)
      throws IOException {
    SsoLines lines = new SsoLines(new ByteArrayInputStream(bytes), new ByteArrayOutputStream());
    int reads = 0;
    for (SsoLines.Read r = lines.next(); r != null; r = lines.next()) {
      reads++;
      assertThat(r).isNotNull();
    }
    assertThat(reads).isLessThanOrEqualTo(bytes.length);
  }

  @Provide
  Arbitrary<SsoMessage> messages() {
    Arbitrary<String> names = Arbitraries.strings().ofMinLength(1).ofMaxLength(64);
    Arbitrary<byte[]> tokens = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    Arbitrary<String> nonces =
        Arbitraries.strings().withChars("ABCXYZabcxyz0189-_").ofMinLength(16).ofMaxLength(128);
    Arbitrary<VersionRange> ranges =
        Combinators.combine(
                Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
            .as((a, b) -> new VersionRange(Math.min(a, b), Math.max(a, b)));
    return Arbitraries.oneOf(
        Combinators.combine(ranges, nonces).as(SsoMessage.Signature::new),
        names.list().ofMinSize(1).ofMaxSize(8).map(SsoMessage.Authenticate::new),
        Combinators.combine(names, tokens).as(SsoMessage.StartSasl::new),
        Arbitraries.just(new SsoMessage.StartTls()),
        tokens.map(SsoMessage.Sasl::new),
        tokens.map(SsoMessage.Sealed::new),
        names.map(SsoMessage.Info::new),
        names.map(v -> new SsoMessage.Ok(Map.of("user", v, "delegated", List.of(true)))),
        Combinators.combine(names, Arbitraries.strings()).as(SsoMessage.Error::new));
  }
}
