package org.porthole.bench.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The token measurement runs each operation on a token that verifies; times are not judged. */
class TokenSpeedTest {

  @Test
  void measuresEveryOperationOnAValidToken() throws Exception {
    TokenSpeed.Result r = TokenSpeed.measure(5, 10);
    assertThat(r.rounds()).isEqualTo(10);
    assertThat(r.verify()).isPositive();
    assertThat(r.jdkVerify()).isPositive();
    assertThat(r.sign()).isPositive();
    assertThat(r.toString()).contains("TokenVerifier.verify").contains("over 10 rounds");
  }
}
