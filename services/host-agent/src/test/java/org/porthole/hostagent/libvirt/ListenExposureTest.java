package org.porthole.hostagent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenExposureTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "127.255.255.254",
        "::1",
        "[::1]",
        "0:0:0:0:0:0:0:1",
        "localhost",
        "LOCALHOST",
        " 127.0.0.1 ",
        "::ffff:127.0.0.1"
      })
  void loopbackListenersAreNotExposed(String address) {
    assertThat(ListenExposure.isExposed(address)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "::",
        "[::]",
        "192.168.1.10",
        "10.0.0.1",
        "172.16.0.5",
        "128.0.0.1",
        "126.0.0.1",
        "fe80::1",
        "2001:db8::1",
        "::ffff:10.0.0.1",
        "myhost",
        "127.0.0.1.attacker.example",
        "localhost.attacker.example",
        "999.0.0.1",
        "127.0.0.256",
        "",
        "  ",
        "fe80::1%eth0"
      })
  void everyOtherListenerIsExposed(String address) {
    assertThat(ListenExposure.isExposed(address)).isTrue();
  }

  @org.junit.jupiter.api.Test
  void nullListenerIsExposed() {
    assertThat(ListenExposure.isExposed(null)).isTrue();
  }
}
