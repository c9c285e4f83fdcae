package org.porthole.engine.sso;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpnTest {

  @Test
  void acceptsAHostPrincipalOfAnyRealmCase() {
    assertThat(Spn.isValid("host/porthole-demo.porthole.test@PORTHOLE.TEST")).isTrue();
    assertThat(Spn.isValid("host/vm1@porthole.test")).isTrue();
    assertThat(Spn.isValid("host/a@B")).isTrue();
  }

  @Test
  void refusesEveryOtherServiceAndShape() {
    for (String bad :
        new String[] {
          "HTTP/porthole-demo.porthole.test@PORTHOLE.TEST",
          "krbtgt/PORTHOLE.TEST@PORTHOLE.TEST",
          "Host/vm1@PORTHOLE.TEST",
          "host/vm1",
          "host/@PORTHOLE.TEST",
          "host/vm1@",
          "host/vm 1@PORTHOLE.TEST",
          "host/vm1@PORTHOLE.TEST ",
          " host/vm1@PORTHOLE.TEST",
          "host/vm1@PORTHOLE.TEST\n",
          "host/vm1/x@PORTHOLE.TEST",
          "host/vm1@REALM@OTHER",
          "alice@PORTHOLE.TEST",
          ""
        }) {
      assertThat(Spn.isValid(bad)).as("'%s'", bad).isFalse();
    }
    assertThat(Spn.isValid(null)).isFalse();
  }

  @Test
  void refusesAnSpnLongerThan255Characters() {
    String realm = "@PORTHOLE.TEST";
    String host255 = "host/" + "a".repeat(255 - 5 - realm.length()) + realm;
    assertThat(host255).hasSize(255);
    assertThat(Spn.isValid(host255)).isTrue();
    String host256 = "host/" + "a".repeat(256 - 5 - realm.length()) + realm;
    assertThat(Spn.isValid(host256)).isFalse();
  }

  @Test
  void sanitizeCutsAndReplacesWhatAGuestCouldUseToForgeText() {
    assertThat(Spn.sanitize("host/x@R\n\u001b[31mforged")).isEqualTo("host/x@R??[31mforged");
    assertThat(Spn.sanitize("é")).isEqualTo("?");
    String cut = Spn.sanitize("x".repeat(1000));
    assertThat(cut).hasSize(Spn.MAX_ECHOED + 1).endsWith("…");
    assertThat(Spn.sanitize(null)).isEmpty();
  }
}
