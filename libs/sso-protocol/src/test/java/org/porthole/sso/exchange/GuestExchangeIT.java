package org.porthole.sso.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.sso.exchange.SsoExchangeIT.NONCE;
import static org.porthole.sso.exchange.SsoExchangeIT.SESSION;
import static org.porthole.sso.exchange.SsoExchangeIT.WAIT;
import static org.porthole.sso.gssapi.KerberosRealm.GUEST;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.gssapi.KerberosRealm;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The guest's side against a client that misbehaves, line by line: resets, versions it does not
 * speak, messages out of turn, malformed lines, questions, and a client that goes away after each
 * step of a real handshake. The guest answers each as the spec says, decides nothing unless the
 * handshake completed, and its exchange always ends.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang fails the test, not the build
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
      String first = greeting(client);
      client.send(new SsoMessage.Signature(VersionRange.V1, NONCE));
      String second = greeting(client);
      assertThat(second).as("a fresh challenge for the new attempt").isNotEqualTo(first);
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
      handshake(client, second, Integer.MAX_VALUE);
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
      String challenge = greeting(client);
      pair.sendRaw("{\"type\":\"sasl\",\"token\":\"YQ\"}\nnot json\n");
      assertThat(errorCode(read(client))).isEqualTo("bad-message");
      assertThat(errorCode(read(client))).isEqualTo("bad-json");
      handshake(client, challenge, Integer.MAX_VALUE);
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
  void aThirdResetEndsTheExchange() throws Exception {
    try (SsoChannelPair pair = SsoChannelPair.open(dir)) {
      CompletableFuture<GuestExchange.Outcome> guest = guest(pair, new AtomicInteger());
      SsoLines client = pair.client();
      greeting(client);
      for (int i = 0; i < GuestExchange.MAX_RESETS; i++) {
        client.send(new SsoMessage.Signature(VersionRange.V1, NONCE));
        greeting(client);
      }
      client.send(new SsoMessage.Signature(VersionRange.V1, NONCE));
      assertThat(errorCode(read(client))).isEqualTo("unexpected");
      SsoExchangeIT.assertGuestRefused(guest, "unexpected");
    }
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
      String challenge = greeting(client);
      handshake(client, challenge, step);
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
  private static void handshake(SsoLines client, String challenge, int steps) throws Exception {
    GssapiClient gss =
        new GssapiClient(
            alice,
            GUEST,
            DelegationPolicy.OK_AS_DELEGATE,
            SessionBinding.of(SESSION, NONCE, challenge));
    try {
      if (steps < 1) {
        return;
      }
      client.send(new SsoMessage.StartSasl("GSSAPI", gss.initialResponse()));
      for (int sent = 1; sent < steps && !gss.isComplete(); sent++) {
        SsoMessage next = read(client);
        assertThat(next).isInstanceOf(SsoMessage.Sasl.class);
        client.send(new SsoMessage.Sasl(gss.evaluateChallenge(((SsoMessage.Sasl) next).token())));
      }
    } finally {
      gss.dispose();
    }
  }

  /** The guest's signature of this session and its authenticate; returns the challenge. */
  private static String greeting(SsoLines client) throws Exception {
    SsoMessage signature = read(client);
    assertThat(signature).isInstanceOf(SsoMessage.Signature.class);
    SsoMessage.Signature s = (SsoMessage.Signature) signature;
    assertThat(s.versions()).isEqualTo(VersionRange.V1);
    assertThat(s.nonce()).isEqualTo(NONCE);
    assertThat(s.challenge()).matches("[A-Za-z0-9_-]{22}");
    assertThat(read(client)).isEqualTo(new SsoMessage.Authenticate(List.of("kerberos")));
    return s.challenge();
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
    return SsoExchangeIT.guest(
        pair,
        realm,
        GUEST,
        (principal, tgt) -> {
          decisions.incrementAndGet();
          return new SsoMessage.Ok(Map.of("user", "alice"));
        });
  }
}
