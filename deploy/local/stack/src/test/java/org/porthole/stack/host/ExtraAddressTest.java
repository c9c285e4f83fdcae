package org.porthole.stack.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtraAddressTest {

  private static final List<ExtraAddress.Held> MACHINE =
      List.of(held("127.0.0.1", 8), held("192.0.2.2", 24), held("10.213.0.1", 24));

  private static ExtraAddress.Held held(String ip, int prefix) {
    try {
      return new ExtraAddress.Held(InetAddress.getByName(ip), prefix);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void takesAnAddressOfThisMachineWithItsSubnet() {
    ExtraAddress a = ExtraAddress.require("10.213.0.1", MACHINE);
    assertThat(a.host()).isEqualTo("10.213.0.1");
    assertThat(a.subnet()).isEqualTo("10.213.0.0/24");
    assertThat(ExtraAddress.require("192.0.2.2", List.of(held("192.0.2.2", 20))).subnet())
        .isEqualTo("192.0.0.0/20");
  }

  @Test
  void refusesAnAddressThisMachineDoesNotHoldNamingWhatItHolds() {
    assertThatThrownBy(() -> ExtraAddress.require("10.213.0.1", MACHINE.subList(0, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.213.0.1 is not an address of this machine")
        .hasMessageContaining("192.0.2.2/24")
        .hasMessageContaining("kube up");
  }

  @Test
  void refusesLoopbackWildcardNamesAndIpv6() {
    for (String bad : List.of("127.0.0.1", "0.0.0.0", "224.0.0.1", "localhost", "::1", "", " ")) {
      assertThatThrownBy(() -> ExtraAddress.require(bad, MACHINE))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("extra address");
    }
  }
}
