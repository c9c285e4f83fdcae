package org.porthole.sso.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SsoLinesTest {

  @Test
  void anOversizedLineIsRefusedOnceAndTheNextMessageStillArrives() throws Exception {
    String big = "{\"type\":\"info\",\"attr\":\"" + "x".repeat(SsoCodec.MAX_LINE_BYTES) + "\"}";
    SsoLines lines = reading(big + "\n\n   \n{\"type\":\"start-tls\"}\n");
    SsoLines.Read first = lines.next();
    assertThat(first)
        .isInstanceOfSatisfying(
            SsoLines.Read.Refused.class,
            r -> assertThat(r.problem().code()).isEqualTo(SsoErrorCode.LINE_TOO_LONG));
    assertThat(lines.next()).isEqualTo(new SsoLines.Read.Message(new SsoMessage.StartTls()));
    assertThat(lines.next()).as("end of stream").isNull();
  }

  @Test
  void aBadLineIsARefusalWithItsCodeNotAnException() throws Exception {
    SsoLines lines = reading("{\"type\":\"sasl\",\"token\":\"YQ\"}\n{\"type\":\"x\"}\n");
    assertThat(((SsoLines.Read.Refused) lines.next()).problem().code())
        .isEqualTo(SsoErrorCode.BAD_MESSAGE);
    assertThat(((SsoLines.Read.Refused) lines.next()).problem().code())
        .isEqualTo(SsoErrorCode.UNKNOWN_TYPE);
  }

  @Test
  void invalidUtf8IsReplacedAndAnsweredNotFatal() throws Exception {
    byte[] bytes = {'{', '"', 't', (byte) 0xff, '"', ':', '1', '}', '\n'};
    SsoLines lines = new SsoLines(new ByteArrayInputStream(bytes), new ByteArrayOutputStream());
    assertThat(lines.next()).isInstanceOf(SsoLines.Read.Refused.class);
    assertThat(lines.next()).isNull();
  }

  @Test
  void sendWritesOneWholeLineAndRefusesOneOverTheCap() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SsoLines lines = new SsoLines(new ByteArrayInputStream(new byte[0]), out);
    lines.send(new SsoMessage.Info("spn"));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"info\",\"attr\":\"spn\"}\n");
    String text = "é".repeat(SsoCodec.MAX_LINE_BYTES / 2);
    assertThatThrownBy(() -> lines.send(new SsoMessage.Error("busy", text)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(out.size()).as("nothing of the refused line was written").isEqualTo(29);
  }

  private static SsoLines reading(String text) {
    return new SsoLines(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream());
  }
}
