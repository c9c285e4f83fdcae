package org.porthole.wsproxy.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.status.PortholeStatus;

class UnauthenticatedConnectionsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static InetSocketAddress client(String ip, int port) {
    return new InetSocketAddress(ip, port);
  }

  @Test
  void refusesOneAddressOverItsCapWith429WhileOthersStillGetIn() {
    UnauthenticatedConnections connections =
        new UnauthenticatedConnections(new AdmissionLimits(3, 100, DEADLINE));
    for (int i = 0; i < 3; i++) {
      assertThat(connections.admit(client("192.0.2.7", 40000 + i)).admitted()).isTrue();
    }

    UnauthenticatedConnections.Admission fourth = connections.admit(client("192.0.2.7", 40010));

    assertThat(fourth.admitted()).isFalse();
    assertThat(fourth.refusal()).isEqualTo(PortholeStatus.TOO_MANY_REQUESTS);
    assertThat(connections.admit(client("192.0.2.8", 40000)).admitted()).isTrue();
    assertThat(connections.held()).isEqualTo(4);
    assertThat(connections.refusedCount()).isEqualTo(1);
  }

  @Test
  void refusesEveryoneOverTheTotalCapWith503() {
    UnauthenticatedConnections connections =
        new UnauthenticatedConnections(new AdmissionLimits(10, 5, DEADLINE));
    for (int i = 0; i < 5; i++) {
      assertThat(connections.admit(client("198.51.100." + (i + 1), 1)).admitted()).isTrue();
    }

    UnauthenticatedConnections.Admission sixth = connections.admit(client("198.51.100.99", 1));

    assertThat(sixth.refusal()).isEqualTo(PortholeStatus.OVERLOADED);
    assertThat(connections.held()).as("a refusal takes no place").isEqualTo(5);
  }

  @Test
  void releasedSlotsMakeRoomAgainAndReleasingTwiceCountsOnce() {
    UnauthenticatedConnections connections =
        new UnauthenticatedConnections(new AdmissionLimits(2, 2, DEADLINE));
    UnauthenticatedConnections.Slot first = connections.admit(client("192.0.2.1", 1)).slot();
    connections.admit(client("192.0.2.1", 2));
    assertThat(connections.admit(client("192.0.2.1", 3)).admitted()).isFalse();

    first.release();
    first.release();

    assertThat(connections.held()).isEqualTo(1);
    assertThat(connections.admit(client("192.0.2.1", 4)).admitted()).isTrue();
    assertThat(connections.admit(client("192.0.2.1", 5)).admitted()).isFalse();
  }

  @Test
  void countsAnIpv6ClientsWhole64AsOneAddress() {
    UnauthenticatedConnections connections =
        new UnauthenticatedConnections(new AdmissionLimits(2, 100, DEADLINE));
    assertThat(connections.admit(client("2001:db8:1:2::1", 1)).admitted()).isTrue();
    assertThat(connections.admit(client("2001:db8:1:2:ffff::9", 1)).admitted()).isTrue();

    assertThat(connections.admit(client("2001:db8:1:2:abcd::7", 1)).refusal())
        .as("another address of the same /64")
        .isEqualTo(PortholeStatus.TOO_MANY_REQUESTS);
    assertThat(connections.admit(client("2001:db8:1:3::1", 1)).admitted())
        .as("the next /64")
        .isTrue();
  }

  @Test
  void neverHoldsMoreThanTheCapsUnderConcurrentAdmission() throws Exception {
    UnauthenticatedConnections connections =
        new UnauthenticatedConnections(new AdmissionLimits(7, 20, DEADLINE));
    List<Thread> threads = new ArrayList<>();
    List<UnauthenticatedConnections.Slot> slots =
        java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      String ip = "203.0.113." + (t % 4);
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  UnauthenticatedConnections.Admission admission = connections.admit(client(ip, i));
                  if (admission.admitted()) {
                    slots.add(admission.slot());
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    // Near the total cap a connection can be refused while another's reservation is being undone
    // (refusing a little early is safe); what must hold is the caps and an exact count.
    assertThat(slots).hasSizeBetween(7, 20);
    assertThat(connections.held()).isEqualTo(slots.size());
    int topUp = 0;
    while (connections.admit(client("198.51.100." + topUp, 1)).admitted()) {
      topUp++;
    }
    assertThat(slots.size() + topUp)
        .as("the count fills up to exactly the total cap")
        .isEqualTo(20);
    slots.forEach(UnauthenticatedConnections.Slot::release);
    assertThat(connections.held()).isEqualTo(topUp);
  }

  @Test
  void readsLimitsWithDefaultsAndNamesABadKey() {
    assertThat(AdmissionLimits.from(Settings.of(Map.of()))).isEqualTo(AdmissionLimits.DEFAULTS);
    assertThat(
            AdmissionLimits.from(
                Settings.of(
                    Map.of(
                        AdmissionLimits.KEY_PER_ADDRESS,
                        "4",
                        AdmissionLimits.KEY_TOTAL,
                        "50",
                        AdmissionLimits.KEY_DEADLINE_SECONDS,
                        "3"))))
        .isEqualTo(new AdmissionLimits(4, 50, Duration.ofSeconds(3)));
    assertThatThrownBy(
            () -> AdmissionLimits.from(Settings.of(Map.of(AdmissionLimits.KEY_TOTAL, "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AdmissionLimits.KEY_TOTAL);
  }
}
