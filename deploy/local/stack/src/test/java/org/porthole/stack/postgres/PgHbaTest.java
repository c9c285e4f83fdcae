package org.porthole.stack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgHbaTest {

  @Test
  void admitsLoopbackAndTheSubnetWithScramOnly() {
    String hba = PgHba.withSubnet("10.213.0.0/24");
    assertThat(hba.lines().filter(l -> !l.startsWith("#")))
        .containsExactly(
            "local   all       all                 scram-sha-256",
            "host    all       all   127.0.0.1/32  scram-sha-256",
            "host    all       all   ::1/128       scram-sha-256",
            "host    all       all   10.213.0.0/24  scram-sha-256");
    assertThat(hba).doesNotContain("trust").doesNotContain("0.0.0.0").doesNotContain("md5");
  }

  @Test
  void refusesAnythingButAnIpv4Network() {
    assertThatThrownBy(() -> PgHba.withSubnet("all")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PgHba.withSubnet("10.0.0.0/8 trust\nhost all all 0.0.0.0/0"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
