package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.guest.protocol.Message;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.guest.FakeGuest;

/** The guest channel's SSO parts: the SPN pulled after hello, {@code sso-begin} checked first. */
class GuestSsoChannelTest {
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String SPN = "host/vm1.porthole.test@PORTHOLE.TEST";
  static final GuestTimings FAST =
      new GuestTimings(
          Duration.ofMillis(100),
          30,
          Duration.ofSeconds(5),
          Duration.ofMillis(20),
          Duration.ofMillis(200));

  final List<SsoReport> reports = new CopyOnWriteArrayList<>();
  Path dir;
  FakeGuest guest;
  GuestChannels channels;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("guest-sso");
    guest = new FakeGuest(dir.resolve("g.sock"), Duration.ofMillis(100));
    channels =
        new GuestChannels(
            new GuestSockets() {
              @Override
              public List<String> runningDomains() {
                return List.of(VM);
              }

              @Override
              public Optional<Path> controlSocket(String vmUuid) {
                return Optional.of(guest.socket());
              }
            },
            FAST,
            Clock.systemUTC(),
            "0.2.0-test",
            s -> {});
    channels.addSsoListener(reports::add);
  }

  @AfterEach
  void tearDown() throws IOException {
    channels.close();
    guest.close();
    Files.deleteIfExists(dir);
  }

  @Test
  void pullsTheSpnAfterHelloAndAgainAfterARestart() throws Exception {
    guest.spn(SPN);
    guest.listen();
    channels.scan();
    await(() -> SPN.equals(channels.state(VM).spn()));
    guest.spn("host/other.porthole.test@PORTHOLE.TEST");
    guest.restart();
    await(() -> channels.state(VM).spn().startsWith("host/other."));
    assertThat(guest.requests().stream().filter(r -> r.command().equals("get-spn")).count())
        .isEqualTo(2);
  }

  @Test
  void aGuestWithoutAnSpnLeavesItEmpty() throws Exception {
    guest.listen();
    channels.scan();
    await(() -> guest.requests().stream().anyMatch(r -> r.command().equals("get-spn")));
    await(() -> channels.state(VM).facts().hostname().equals("vm1"));
    assertThat(channels.state(VM).spn()).isEmpty();
  }

  @Test
  void aHostileSpnIsReadAsPrintableText() throws Exception {
    guest.spn("host/x\u001b[31m\n@R" + "A".repeat(1000));
    guest.listen();
    channels.scan();
    await(() -> !channels.state(VM).spn().isEmpty());
    assertThat(channels.state(VM).spn()).hasSize(GuestInput.MAX_TEXT_CHARS).doesNotContain("\n");
    assertThat(channels.state(VM).spn()).doesNotContain("\u001b");
  }

  @Test
  void passesTheSsoEventOnBoundedAndSanitized() throws Exception {
    guest.listen();
    channels.scan();
    await(() -> channels.state(VM).responsive());
    guest.send(
        new Message.Event(
            "sso",
            Map.of(
                "session", "s1",
                "outcome", "ok",
                "user", "alice\u001b[2J",
                "principal", "alice@PORTHOLE.TEST" + "x".repeat(1000),
                "delegated", true)));
    await(() -> !reports.isEmpty());
    SsoReport r = reports.get(0);
    assertThat(r.vmUuid()).isEqualTo(VM);
    assertThat(r.sessionId()).isEqualTo("s1");
    assertThat(r.outcome()).isEqualTo("ok");
    assertThat(r.code()).isEmpty();
    assertThat(r.user()).isEqualTo("alice?[2J");
    assertThat(r.principal()).hasSize(GuestInput.MAX_TEXT_CHARS);
    assertThat(r.delegated()).isTrue();
    assertThat(r.delivered()).isTrue();
  }

  @Test
  void aHostileSsoEventIsReadAsNothingHarmful() throws Exception {
    guest.listen();
    channels.scan();
    await(() -> channels.state(VM).responsive());
    guest.send(new Message.Event("sso", Map.of("outcome", "ok")));
    guest.send(new Message.Event("sso", Map.of("session", "s1", "outcome", "pwned")));
    guest.send(
        new Message.Event(
            "sso",
            Map.of(
                "session", "s2",
                "outcome", "refused",
                "code", "<script>",
                "delegated", "yes",
                "delivered", false)));
    await(() -> !reports.isEmpty());
    await(() -> channels.badMessages(VM) >= 2);
    assertThat(reports).hasSize(1);
    SsoReport r = reports.get(0);
    assertThat(r.sessionId()).isEqualTo("s2");
    assertThat(r.code()).isEqualTo("unknown");
    assertThat(r.delegated()).isFalse();
    assertThat(r.delivered()).isFalse();
  }

  @Test
  void ssoBeginRefusesABadNonceBeforeSending() throws Exception {
    assertThatThrownBy(() -> GuestCommand.ssoBegin("s1", "short", "alice@R"))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST))
        .hasMessageContaining("nonce");
    assertThatThrownBy(() -> GuestCommand.ssoBegin("", "q7Rz0cF3nY5-kW2_hT8pLm", "alice@R"))
        .hasMessageContaining("session");
    assertThatThrownBy(() -> GuestCommand.ssoBegin("s1", "q7Rz0cF3nY5-kW2_hT8pLm", ""))
        .hasMessageContaining("principal");
    assertThat(GuestCommand.ssoBegin("s1", "q7Rz0cF3nY5-kW2_hT8pLm", "alice@R").args())
        .containsEntry("session", "s1")
        .containsEntry("nonce", "q7Rz0cF3nY5-kW2_hT8pLm")
        .containsEntry("principal", "alice@R");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
      Thread.sleep(10);
    }
  }
}
