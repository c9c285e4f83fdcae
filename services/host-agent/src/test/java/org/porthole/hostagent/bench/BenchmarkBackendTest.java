package org.porthole.hostagent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.hostagent.AgentBackend;
import org.porthole.hostagent.AgentConfig;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.VncTarget;

class BenchmarkBackendTest {
  private static final String BACKEND = BenchmarkBackend.CONSOLE_BACKEND;

  @Test
  void relaysEveryVmToTheBackendWithoutDomainsOrEvents() throws Exception {
    BenchmarkBackend b = BenchmarkBackend.from(Settings.of(Map.of(BACKEND, "127.0.0.1:5999")));
    assertThat(b.needsEvents()).isFalse();
    Clock clock = Clock.systemUTC();
    AgentIdentity identity = AgentIdentity.forThisProcess("localhost:9443", clock.instant());
    Deque<AutoCloseable> parts = new ArrayDeque<>();
    AgentBackend.Opened opened =
        b.open(
            new AgentBackend.Wiring(
                AgentConfig.from(Settings.of(Map.of())),
                clock,
                identity,
                new RelayRegistry(clock),
                new ConsolePolicies(),
                Optional.empty(),
                new EventFactory(identity, clock),
                parts));
    try {
      assertThat(opened.hypervisor().listDomains()).isEmpty();
      assertThat(opened.actions()).isNull();
      InetSocketAddress target =
          (InetSocketAddress)
              ((VncTarget.Listener)
                      opened.targets().resolve("00000000-0000-4000-8000-000000000001"))
                  .address();
      assertThat(target.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(target.getPort()).isEqualTo(5999);
    } finally {
      for (AutoCloseable part : parts) {
        part.close();
      }
    }
    assertThat(BenchmarkBackend.from(Settings.of(Map.of(BACKEND, "[::1]:6000"))).address())
        .isEqualTo(new InetSocketAddress("::1", 6000));
  }

  @Test
  void refusesToStartWithoutBackend() {
    assertThatThrownBy(() -> BenchmarkBackend.from(Settings.of(Map.of())))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(BACKEND));
    assertThatThrownBy(() -> BenchmarkBackend.from(Settings.of(Map.of(BACKEND, " "))))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void refusesBackendOffLoopbackOrMalformed() {
    for (String bad :
        new String[] {
          "10.0.0.1:5900",
          "0.0.0.0:5900",
          "example.com:5900",
          "localhost:5900",
          "127.0.0.1",
          "127.0.0.1:",
          ":5900",
          "127.0.0.1:0",
          "127.0.0.1:65536",
          "127.0.0.1:-1",
          "127.0.0.1:abc",
          "[::]:5900",
          "1".repeat(5000) + ":1",
          "127.0.0.1:5900 x",
          "127.0.0.1:59\u000000"
        }) {
      assertThatThrownBy(() -> BenchmarkBackend.from(Settings.of(Map.of(BACKEND, bad))))
          .as(bad)
          .isInstanceOfSatisfying(
              ConfigException.class, e -> assertThat(e.key()).isEqualTo(BACKEND))
          .hasMessageContaining("loopback");
    }
  }
}
