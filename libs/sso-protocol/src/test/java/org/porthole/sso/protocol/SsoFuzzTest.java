package org.porthole.sso.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for both peers' parsing of the SSO channel: a line, and a byte stream. Every test
 * run replays the seeds in {@code SsoFuzzTestInputs/}; {@code JAZZER_FUZZ=1 ./mvnw test -pl
 * libs/sso-protocol -Dtest=SsoFuzzTest} fuzzes for the given duration.
 */
class SsoFuzzTest {

  /**
   * Any line is a message or a refusal with a code; a message's encoding is canonical (encoding
   * what it decodes to gives the same line again).
   */
  @FuzzTest(maxDuration = "60s")
  void anyLineIsAMessageOrARefusal(byte[] bytes) throws Exception {
    String line = new String(bytes, StandardCharsets.UTF_8);
    SsoMessage message;
    try {
      message = SsoCodec.decode(line);
    } catch (SsoProtocolException e) {
      assertThat(e.code()).isNotNull();
      assertThat(e.toReply().code()).isEqualTo(e.code().wire());
      return;
    }
    String encoded = SsoCodec.encode(message);
    assertThat(SsoCodec.encode(SsoCodec.decode(encoded))).isEqualTo(encoded);
  }

  /** Any bytes read as messages, refusals or the end, one per line at most, never an exception. */
  @FuzzTest(maxDuration = "60s")
  void anyBytesReadAsMessagesRefusalsOrTheEnd(byte[] bytes) throws IOException {
    SsoLines lines = new SsoLines(new ByteArrayInputStream(bytes), new ByteArrayOutputStream());
    int reads = 0;
    for (SsoLines.Read read = lines.next(); read != null; read = lines.next()) {
      reads++;
    }
    assertThat(reads).isLessThanOrEqualTo(bytes.length);
  }
}
