package org.porthole.nativeviewer.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VncPasswordTest {

  @Test
  void usesVncsBitReversedDesKeyAsVncpasswdDoes() {
    // vncpasswd's well-known output for "password": the same DES with bit-reversed key bytes,
    // keyed with VNC's fixed obfuscation key.
    byte[] key = {23, 82, 107, 6, 35, 78, 88, 7};
    byte[] response =
        VncPassword.response(
            "password".getBytes(StandardCharsets.US_ASCII),
            new String(key, StandardCharsets.ISO_8859_1));
    assertThat(HexFormat.of().formatHex(response)).isEqualTo("dbd83cfd727a1458");
  }

  @Test
  void acceptsOnlyTheRightResponse() {
    VncPassword pw = VncPassword.of("abcdefgh");
    byte[] challenge = VncPassword.challenge();
    assertThat(pw.accepts(challenge, VncPassword.response(challenge, "abcdefgh"))).isTrue();
    assertThat(pw.accepts(challenge, VncPassword.response(challenge, "abcdefgi"))).isFalse();
    assertThat(pw.accepts(challenge, new byte[3])).isFalse();
  }

  @Test
  void randomPasswordsAreEightCharactersAndNeverShown() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      VncPassword pw = VncPassword.random();
      assertThat(pw.reveal()).hasSize(8).matches("[A-Za-z2-9]{8}");
      assertThat(pw.toString()).doesNotContain(pw.reveal());
      seen.add(pw.reveal());
    }
    assertThat(seen).hasSize(100);
  }
}
