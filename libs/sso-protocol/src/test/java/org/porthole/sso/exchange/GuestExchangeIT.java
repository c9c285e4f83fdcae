package org.porthole.sso.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.sso.exchange.SsoExchangeIT.NONCE;
import static org.porthole.sso.exchange.SsoExchangeIT.SESSION;
import static org.porthole.sso.exchange.SsoExchangeIT.WAIT;
import static org.porthole.sso.gssapi.KerberosRealm.GUEST;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.gssapi.GssapiServer;
import org.porthole.sso.gssapi.KerberosRealm;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The guest's side against a client that misbehaves, line by line: resets, versions it does not
 * speak, messages out of turn, malformed lines, questions, and a client that goes away after each
 * step of a real handshake. The guest answers each as the spec says, decides nothing unless the
 * handshake completed, and its exchange always ends.
 */
class GuestExchangeIT {
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
  void aResetGetsAFreshSignatureAndTheExchangeGoesOn() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      AtomicInteger decisions = new AtomicInteger();
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, decisions);
      SsoLines client = pair.client();
      assertThat(read(client)).isInstanceOf(SsoMessage.Signature.class);
      assertThat(read(client)).isInstanceOf(SsoMessage.Authenticate.class);
      client.send(new SsoMessage.Signature(VersionRange.V1, NONCE));
      assertThat(read(client)).isEqualTo(new SsoMessage.Signature(VersionRange.V1, NONCE));
      assertThat(read(client)).isEqualTo(new SsoMessage.Authenticate(List.of("kerberos")));
      client.send(new SsoMessage.StartTls());
      assertThat(errorCode(read(client))).isEqualTo("unsupported");
      client.send(new SsoMessage.Info("spn"));
      assertThat(read(client)).isEqualTo(new SsoMessage.Ok(Map.of("spn", GUEST)));
      client.send(new SsoMessage.Info("time"));
      assertThat(((SsoMessage.Ok) read(client)).result().get("time")).isNotNull();
      client.send(new SsoMessage.Info("password"));
      assertThat(errorCode(read(client))).isEqualTo("unsupported");
      client.send(new SsoMessage.StartSasl("PLAIN", new byte[] {0, 'a', 0, 'b'}));
      assertThat(errorCode(read(client))).isEqualTo("unsupported");
      handshake(client, Integer.MAX_VALUE);
      assertThat(read(client)).isInstanceOf(SsoMessage.Sealed.class);
      assertThat(guest.get(WAIT.toSeconds(), TimeUnit.SECONDS).principal())
          .isEqualTo(KerberosRealm.ALICE);
      assertThat(decisions).hasValue(1);
    }
  }

  @Test
  void aMalformedLineIsAnsweredAndTheExchangeGoesOn() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      AtomicInteger decisions = new AtomicInteger();
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, decisions);
      SsoLines client = pair.client();
      read(client);
      read(client);
      pair.sendRaw("{\"type\":\"sasl\",\"token\":\"YQ\"}\nnot json\n");
      assertThat(errorCode(read(client))).isEqualTo("bad-message");
      assertThat(errorCode(read(client))).isEqualTo("bad-json");
      handshake(client, Integer.MAX_VALUE);
      assertThat(read(client)).isInstanceOf(SsoMessage.Sealed.class);
      assertThat(decisions).hasValue(1);
      assertThat(guest.get(WAIT.toSeconds(), TimeUnit.SECONDS).delegated()).isTrue();
    }
  }

  @Test
  void aVersionItDoesNotSpeakEndsTheExchangeWithNoCommonVersion() throws Exception {
    assertEndsWith(new SsoMessage.Signature(new VersionRange(2, 3), NONCE), "no-common-version");
  }

  @Test
  void aSignatureOfAnotherSessionEndsTheExchange() throws Exception {
    assertEndsWith(
        new SsoMessage.Signature(VersionRange.V1, "another-session-nonce-0"), "unexpected");
  }

  @Test
  void saslBeforeStartSaslIsOutOfTurn() throws Exception {
    assertEndsWith(new SsoMessage.Sasl(new byte[] {1}), "unexpected");
  }

  @Test
  void aClientTalkingWithoutEndIsCutOffAfterSixteenMessages() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, new AtomicInteger());
      SsoLines client = pair.client();
      read(client);
      read(client);
      for (int i = 0; i < GuestExchange.MAX_CLIENT_MESSAGES; i++) {
        client.send(new SsoMessage.Info("spn"));
        assertThat(read(client)).isInstanceOf(SsoMessage.Ok.class);
      }
      client.send(new SsoMessage.Info("spn"));
      assertThat(errorCode(read(client))).isEqualTo("unexpected");
      SsoExchangeIT.assertGuestRefused(guest, "unexpected");
    }
  }

  /** Steps: 0 after the greeting, 1 after start-sasl, 2 after the empty response, 3 the choice. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void aClientThatGoesAwayAtAnyStepEndsTheExchangeWithoutADecision(int step) throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      AtomicInteger decisions = new AtomicInteger();
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, decisions);
      SsoLines client = pair.client();
      read(client);
      read(client);
      handshake(client, step);
      if (step > 0) {
        assertThat(read(client)).as("the guest's answer to the last step").isNotNull();
      }
      pair.closeClient();
      SsoExchangeIT.assertGuestRefused(guest, "closed");
      assertThat(decisions).as("nothing decided for a handshake cut at step " + step).hasValue(0);
    }
  }

  private static void assertEndsWith(SsoMessage sent, String code) throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      AtomicInteger decisions = new AtomicInteger();
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, decisions);
      SsoLines client = pair.client();
      read(client);
      read(client);
      client.send(sent);
      assertThat(errorCode(read(client))).isEqualTo(code);
      SsoExchangeIT.assertGuestRefused(guest, code);
      assertThat(decisions).hasValue(0);
    }
  }

  /**
   * A real client's handshake, sent line by line, stopping after {@code steps} client messages
   * (start-sasl, the empty response, the layer choice).
   */
  private static void handshake(SsoLines client, int steps) throws Exception {
    GssapiClient gss =
        new GssapiClient(
            alice, GUEST, DelegationPolicy.OK_AS_DELEGATE, SessionBinding.of(SESSION, NONCE));
    try {
      if (steps < 1) {
        return;
      }
      client.send(new SsoMessage.StartSasl("GSSAPI", gss.initialResponse()));
      for (int sent = 1; sent < steps && !gss.isComplete(); sent++) {
        SsoMessage challenge = read(client);
        assertThat(challenge).isInstanceOf(SsoMessage.Sasl.class);
        client.send(
            new SsoMessage.Sasl(gss.evaluateChallenge(((SsoMessage.Sasl) challenge).token())));
      }
    } finally {
      gss.dispose();
    }
  }

  private static SsoMessage read(SsoLines lines) throws Exception {
    SsoLines.Read read = lines.next();
    assertThat(read).as("a message from the guest").isInstanceOf(SsoLines.Read.Message.class);
    return ((SsoLines.Read.Message) read).message();
  }

  private static String errorCode(SsoMessage m) {
    assertThat(m).isInstanceOf(SsoMessage.Error.class);
    return ((SsoMessage.Error) m).code();
  }

  private static CompletableFuture<GuestExchange.Outcome> guest(
      SsoChannelPair pair, AtomicInteger decisions) throws Exception {
    Subject acceptor = realm.acceptor(GUEST);
    GuestExchange exchange =
        new GuestExchange(
            pair.guest(),
            SESSION,
            NONCE,
            GUEST,
            binding -> new GssapiServer(acceptor, GUEST, binding),
            (principal, tgt) -> {
              decisions.incrementAndGet();
              return new SsoMessage.Ok(Map.of("user", "alice"));
            },
            Clock.systemUTC());
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return exchange.run();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }
}
