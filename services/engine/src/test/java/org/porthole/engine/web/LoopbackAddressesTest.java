package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    void acceptsLoopbackLiterals(String address) {
        assertThat(LoopbackAddresses.isLoopback(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.20", "0.0.0.0", "::2", "fe80::1", "::ffff:10.0.0.1",
        "128.0.0.1", "999.0.0.1", "localhost", "127.0.0.1.example.org", "127.0.0.1:8080", "[::1", ":::::"})
    void refusesEverythingElse(String address) {
        assertThat(LoopbackAddresses.isLoopback(address)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesMissingAddress(String address) {
        assertThat(LoopbackAddresses.isLoopback(address)).isFalse();
    }
}
