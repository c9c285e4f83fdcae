package org.porthole.sso.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A guest's error ends the client's exchange under the guest's code only when v1 defines it; an
 * unknown code (found by {@code SsoPeersFuzzTest#theClientTakesAnyGuestBytes}: {@code "bus}"}) is
 * refused as a bad message instead of reaching the client's callers.
 */
class PeerErrorCodeTest {
  private static final String SIGNATURE =
      "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\"fuzz-nonce-0123456789\","
          + "\"challenge\":\"Q2hhbGxlbmdlMDEyMzQ1Ng\"}\n";

  @Test
  void aKnownCodeIsTheGuests() throws Exception {
    assertThat(clientTakes("{\"type\":\"error\",\"code\":\"busy\",\"text\":\"x\"}\n"))
        .isEqualTo("busy");
  }

  @Test
  void anUnknownCodeIsABadMessage() throws Exception {
    assertThat(clientTakes("{\"type\":\"error\",\"code\":\"bus}\",\"text\":\"x\"}\n"))
        .isEqualTo("bad-message");
  }

  private static String clientTakes(String error) throws Exception {
    return SsoPeers.clientTakes((SIGNATURE + error).getBytes(StandardCharsets.UTF_8));
  }
}
