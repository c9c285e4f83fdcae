package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.rfb.RfbClient;

/** VNC Authentication's DES response, byte-exact. */
class VncAuthResponseTest {
  private static final byte[] CHALLENGE =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

  /** Computed apart from Java: bit-reversed key 2ad6ec0e8a4c1e5e, `openssl enc -des-ecb -nopad`. */
  @Test
  void matchesAResponseComputedByOpenssl() {
    assertThat(HexFormat.of().formatHex(VncAuthResponse.of("Tk7pQ2xz", CHALLENGE)))
        .isEqualTo("737bc3ac3b380a0c73f70ffbf57a94e3");
  }

  @Test
  void shortPasswordsAreZeroPaddedLikeEveryVncClient() {
    assertThat(VncAuthResponse.of("pw", CHALLENGE))
        .isEqualTo(RfbClient.desResponse(CHALLENGE, "pw"));
  }
}
