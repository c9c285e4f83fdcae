package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.GraphicsSignal.Address;
import org.porthole.hostagent.libvirt.GraphicsSignal.Family;
import org.porthole.hostagent.libvirt.GraphicsSignal.Phase;
import org.porthole.testsupport.clock.MutableClock;

class RelayRegistryTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String OTHER_VM = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  private static GraphicsSignal event(String vm, Family family, String service) {
    return new GraphicsSignal(
        vm,
        Phase.CONNECT,
        new Address(family, "127.0.0.1", service),
        new Address(Family.IPV4, "127.0.0.1", "5900"),
        "vnc",
        Instant.EPOCH);
  }

  @Test
  void matchesEventToRelayByItsLocalPortBehindOneProxyAddress() {
    RelayRegistry r = new RelayRegistry(Clock.systemUTC());
    r.bind("session-a", VM, "10.0.0.1", 40001);
    r.bind("session-b", VM, "10.0.0.2", 40002);
    assertThat(r.match(event(VM, Family.IPV4, "40002")).orElseThrow().sessionId())
        .isEqualTo("session-b");
    assertThat(r.match(event(VM, Family.IPV6, "40001")).orElseThrow().sessionId())
        .isEqualTo("session-a");
  }

  @Test
  void doesNotMatchAnotherDomainOrAForeignClient() {
    RelayRegistry r = new RelayRegistry(Clock.systemUTC());
    r.bind("session-a", VM, "10.0.0.1", 40001);
    assertThat(r.match(event(OTHER_VM, Family.IPV4, "40001"))).isEmpty();
    assertThat(r.match(event(VM, Family.IPV4, "40009"))).isEmpty();
    assertThat(r.match(event(VM, Family.IPV4, "garbage"))).isEmpty();
  }

  @Test
  void releasedRelayStillAnswersItsDisconnectWithinGrace() {
    MutableClock clock = new MutableClock();
    RelayRegistry r = new RelayRegistry(clock);
    RelayRegistry.Binding b = r.bind("session-a", VM, "c", 40001);
    r.release(b);
    assertThat(r.openCount()).isZero();
    clock.advance(Duration.ofSeconds(30));
    assertThat(r.match(event(VM, Family.IPV4, "40001"))).isPresent();
    clock.advance(RelayRegistry.GRACE);
    r.bind("session-b", VM, "c", 40005); // purges expired bindings
    assertThat(r.match(event(VM, Family.IPV4, "40001"))).isEmpty();
  }

  @Test
  void reusedPortPrefersTheOpenRelay() {
    RelayRegistry r = new RelayRegistry(Clock.systemUTC());
    RelayRegistry.Binding old = r.bind("old", VM, "c", 40001);
    r.release(old);
    r.bind("new", VM, "c", 40001);
    assertThat(r.match(event(VM, Family.IPV4, "40001")).orElseThrow().sessionId()).isEqualTo("new");
  }

  @Test
  void unixSocketInitializeMatchesTheRelaysAwaitingItOldestFirstAndOnlyOnce() {
    RelayRegistry r = new RelayRegistry(Clock.systemUTC());
    RelayRegistry.Binding one = r.bind("one", VM, "c", -1);
    RelayRegistry.Binding two = r.bind("two", VM, "c", -1);
    RelayRegistry.Binding refused = r.bind("refused", VM, "c", -1);
    GraphicsSignal init =
        new GraphicsSignal(
            VM,
            GraphicsSignal.Phase.INITIALIZE,
            new GraphicsSignal.Address(Family.UNIX, "", ""),
            GraphicsSignal.Address.NONE,
            "vnc",
            Instant.now());
    assertThat(r.match(init)).as("no relay awaits a login: a direct one").isEmpty();
    r.expectInitialize(one, true);
    r.expectInitialize(refused, true);
    r.expectInitialize(two, true);
    r.expectInitialize(refused, false);
    assertThat(r.match(init).orElseThrow().sessionId()).isEqualTo("one");
    assertThat(r.match(init).orElseThrow().sessionId()).isEqualTo("two");
    assertThat(r.match(init)).isEmpty();
    assertThat(r.match(event(VM, Family.UNIX, ""))).as("connect/disconnect on a socket").isEmpty();
  }

  @Test
  void forgottenBindingNoLongerMatches() {
    RelayRegistry r = new RelayRegistry(Clock.systemUTC());
    RelayRegistry.Binding b = r.bind("session-a", VM, "c", 40001);
    r.forget(b);
    assertThat(r.match(event(VM, Family.IPV4, "40001"))).isEmpty();
  }
}
