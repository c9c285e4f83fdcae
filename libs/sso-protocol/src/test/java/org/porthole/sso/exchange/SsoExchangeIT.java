package org.porthole.sso.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.sso.gssapi.KerberosRealm.ALICE;
import static org.porthole.sso.gssapi.KerberosRealm.GUEST;
import static org.porthole.sso.gssapi.KerberosRealm.PLAIN;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.gssapi.GssapiServer;
import org.porthole.sso.gssapi.KerberosRealm;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The whole SSO exchange of docs/sso-protocol.md between {@link ClientExchange} and {@link
 * GuestExchange} on a unix socket, with the real MIT KDC: alice signs in and her TGT reaches the
 * guest's decision; the guest's refusals reach the client sealed; a guest with another key, a
 * client of another session and stale bytes in the port are each handled as the spec says.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang fails the test, not the build
class SsoExchangeIT {
  static final String SESSION = "7d0e4c8a-session";
  static final String NONCE = "q7Rz0cF3nY5-kW2_hT8pLm";

  /** A generous bound for one exchange on a loaded machine; the spec's guest limit is 30 s. */
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static KerberosRealm realm;
  static Subject alice;

  @BeforeAll
  static void startRealm() throws Exception {
    realm = KerberosRealm.start(dir);
    alice = realm.alice(true);
  }

  @AfterAll
  static void stopRealm() {
    if (realm != null) {
      realm.close();
    }
  }

  @Test
  void aliceSignsInAndHerTgtReachesTheGuestsDecision() throws Exception {
    AtomicReference<KerberosTicket> received = new AtomicReference<>();
    AtomicReference<String> client = new AtomicReference<>();
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest =
          guest(
              pair,
              GUEST,
              (principal, tgt) -> {
                tgt.ifPresent(received::set);
                tgt.ifPresent(t -> client.set(t.getClient().getName()));
                return new SsoMessage.Ok(
                    Map.of("user", "alice", "principal", principal, "delegated", tgt.isPresent()));
              });
      ClientExchange viewer = exchange(pair, GUEST, DelegationPolicy.OK_AS_DELEGATE, SESSION);
      Map<String, Object> result = viewer.run();
      assertThat(result)
          .containsEntry("user", "alice")
          .containsEntry("principal", ALICE)
          .containsEntry("delegated", true);
      GuestExchange.Outcome outcome = guest.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(outcome.principal()).isEqualTo(ALICE);
      assertThat(outcome.delegated()).isTrue();
      assertThat(client.get()).isEqualTo(ALICE);
      assertThat(received.get().isDestroyed())
          .as("the guest destroys the TGT once decided")
          .isTrue();
      assertThat(outcome.delivered()).isTrue();
      assertThat(viewer.authenticated().delegated()).isTrue();
    }
  }

  @Test
  void theGuestsRefusalReachesTheClientSealed() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest =
          guest(
              pair,
              GUEST,
              (principal, tgt) ->
                  new SsoMessage.Error("wrong-user", principal + " is not this console's user"));
      ClientExchange client = exchange(pair, GUEST, DelegationPolicy.OK_AS_DELEGATE, SESSION);
      assertThatThrownBy(client::run)
          .isInstanceOfSatisfying(
              SsoRefusedException.class, e -> assertThat(e.code()).isEqualTo("wrong-user"));
      assertThat(guest.get(WAIT.toSeconds(), TimeUnit.SECONDS).result())
          .isInstanceOf(SsoMessage.Error.class);
    }
  }

  @Test
  void aGuestWithoutThePinnedPrincipalsKeyGetsNoSignIn() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, PLAIN, SsoExchangeIT::never);
      ClientExchange client = exchange(pair, GUEST, DelegationPolicy.ALWAYS, SESSION);
      assertThatThrownBy(client::run)
          .isInstanceOfSatisfying(
              SsoRefusedException.class, e -> assertThat(e.code()).isEqualTo("auth-failed"));
      assertGuestRefused(guest, "auth-failed");
    }
  }

  @Test
  void aFirstTokenBoundToAnotherSessionIsRefused() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, GUEST, SsoExchangeIT::never);
      ClientExchange client = exchange(pair, GUEST, DelegationPolicy.ALWAYS, "another-session");
      assertThatThrownBy(client::run)
          .isInstanceOfSatisfying(
              SsoRefusedException.class, e -> assertThat(e.code()).isEqualTo("channel-binding"));
      assertGuestRefused(guest, "channel-binding");
    }
  }

  @Test
  void staleLinesOfAnEarlierClientAreDroppedUntilThisSessionsSignature() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      pair.guest().send(new SsoMessage.Sasl(new byte[] {1, 2, 3}));
      pair.guest()
          .send(
              new SsoMessage.Signature(
                  org.porthole.guest.protocol.VersionRange.V1, "an-earlier-session-nonce"));
      pair.guest().send(new SsoMessage.Authenticate(java.util.List.of("kerberos")));
      CompletableFuture<GuestExchange.Outcome> guest =
          guest(pair, GUEST, (principal, tgt) -> new SsoMessage.Ok(Map.of("user", "alice")));
      ClientExchange client = exchange(pair, GUEST, DelegationPolicy.NEVER, SESSION);
      assertThat(client.run()).containsEntry("user", "alice");
      assertThat(guest.get(WAIT.toSeconds(), TimeUnit.SECONDS).delegated()).isFalse();
    }
  }

  private static SsoMessage never(String principal, Optional<KerberosTicket> tgt) {
    throw new AssertionError("the guest decided for " + principal + " after a failed handshake");
  }

  static void assertGuestRefused(CompletableFuture<GuestExchange.Outcome> guest, String code)
      throws Exception {
    assertThatThrownBy(() -> guest.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            SsoRefusedException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  /** The guest's side on its own thread, accepting with {@code service}'s keytab. */
  static CompletableFuture<GuestExchange.Outcome> guest(
      SsoChannelPair pair, String service, GuestExchange.Acceptance acceptance) throws Exception {
    return guest(pair, realm, service, acceptance);
  }

  /** The guest's side on its own thread, accepting with {@code service}'s keytab in {@code in}. */
  static CompletableFuture<GuestExchange.Outcome> guest(
      SsoChannelPair pair, KerberosRealm in, String service, GuestExchange.Acceptance acceptance)
      throws Exception {
    Subject acceptor = in.acceptor(service);
    GuestExchange exchange =
        new GuestExchange(
            pair.guest(),
            SESSION,
            NONCE,
            service,
            binding -> new GssapiServer(acceptor, service, binding),
            acceptance,
            Clock.systemUTC());
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return exchange.run();
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
  }

  /**
   * The viewer's side as alice, pinned to {@code spn}, for console {@code session} (the guest's is
   * {@link #SESSION}).
   */
  static ClientExchange exchange(
      SsoChannelPair pair, String spn, DelegationPolicy policy, String session) {
    return new ClientExchange(
        pair.client(), session, NONCE, binding -> new GssapiClient(alice, spn, policy, binding));
  }
}
