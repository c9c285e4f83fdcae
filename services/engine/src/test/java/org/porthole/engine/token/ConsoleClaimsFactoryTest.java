package org.porthole.engine.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.Ed25519Key;
import org.porthole.token.SsoClaims;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenSigner;
import org.porthole.token.TokenVerifier;

class ConsoleClaimsFactoryTest {

  private static final Instant NOW = Instant.parse("2025-05-01T10:00:00.750Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final UUID SESSION = UUID.fromString("11111111-2222-4333-8444-555555555555");
  private static final UUID VM = UUID.fromString("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");

  private final ConsoleClaimsFactory factory =
      new ConsoleClaimsFactory("porthole-engine", "porthole-console", CLOCK, new SecureRandom());

  @Test
  void fillsEveryClaim() {
    ConsoleClaims claims =
        factory.build(
            "anonymous@loopback",
            SESSION,
            VM,
            "localhost:9443",
            "vnc",
            ConsoleClaims.MODE_INTERACTIVE,
            120);

    assertThat(claims.issuer()).isEqualTo("porthole-engine");
    assertThat(claims.audience()).isEqualTo("porthole-console");
    assertThat(claims.subject()).isEqualTo("anonymous@loopback");
    assertThat(claims.sessionId()).isEqualTo(SESSION.toString());
    assertThat(claims.vmUuid()).isEqualTo(VM.toString());
    assertThat(claims.hostId()).isEqualTo("localhost:9443");
    assertThat(claims.channel()).isEqualTo("vnc");
    assertThat(claims.tokenId()).matches("[A-Za-z0-9_-]{22}");
  }

  @Test
  void issuesAtWholeSecondsAndIsValidAtOnce() {
    ConsoleClaims claims =
        factory.build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 120);

    assertThat(claims.issuedAt()).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));
    assertThat(claims.notBefore()).isEqualTo(claims.issuedAt());
    assertThat(claims.expiresAt()).isEqualTo(claims.issuedAt().plusSeconds(120));
  }

  @Test
  void neverLivesLongerThan120SecondsEvenForLongerTickets() {
    ConsoleClaims claims =
        factory.build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 600);
    assertThat(Duration.between(claims.issuedAt(), claims.expiresAt()))
        .isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void expiresWithAShorterTicket() {
    ConsoleClaims claims =
        factory.build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 30);
    assertThat(Duration.between(claims.issuedAt(), claims.expiresAt()))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void givesEveryTokenItsOwnId() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(
          factory
              .build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 120)
              .tokenId());
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void carriesTheModeAndRefusesAnUnknownOne() {
    assertThat(
            factory.build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_VIEW, 30).viewOnly())
        .isTrue();
    assertThat(
            factory
                .build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 30)
                .viewOnly())
        .isFalse();
    assertThatThrownBy(() -> factory.build("u", SESSION, VM, "h:1", "vnc", "admin", 30))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNonPositiveTicketLifetime() {
    assertThatThrownBy(
            () -> factory.build("u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signedClaimsVerifyWithThePublicKey() throws Exception {
    Ed25519Key key = Ed25519Key.generate("k1");
    Clock verifierClock = Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC);
    ConsoleClaims claims =
        factory.build(
            "anonymous@loopback",
            SESSION,
            VM,
            "localhost:9443",
            "vnc",
            ConsoleClaims.MODE_INTERACTIVE,
            120);
    String token = new TokenSigner(key).sign(claims);

    ConsoleClaims verified =
        new TokenVerifier(
                new StaticKeys(Map.of("k1", key.publicKey())),
                "porthole-engine",
                "porthole-console",
                verifierClock)
            .verify(token);

    assertThat(verified).isEqualTo(claims);
  }

  @Test
  void signsAnSsoTokenWhoseFourClaimsVerify() throws Exception {
    Ed25519Key key = Ed25519Key.generate("k1");
    SsoClaims sso =
        new SsoClaims(
            "host/demo.porthole.test@PORTHOLE.TEST",
            "q7Rz0cF3nY5-kW2_hT8pLm",
            SsoClaims.OK_AS_DELEGATE,
            "alice@PORTHOLE.TEST");
    ConsoleClaims claims =
        factory.build("alice", SESSION, VM, "h:1", "sso", ConsoleClaims.MODE_INTERACTIVE, 120, sso);
    String token = new TokenSigner(key).sign(claims);

    ConsoleClaims verified =
        new TokenVerifier(
                new StaticKeys(Map.of("k1", key.publicKey())),
                "porthole-engine",
                "porthole-console",
                Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC))
            .verify(token);

    assertThat(verified.isSso()).isTrue();
    assertThat(verified.sso()).isEqualTo(sso);
    assertThat(verified.tokenId()).isNotEqualTo(sso.nonce());
  }

  @Test
  void refusesSsoClaimsOnAVncTokenAndAnSsoTokenWithoutThem() {
    SsoClaims sso =
        new SsoClaims(
            "host/demo.porthole.test@PORTHOLE.TEST",
            "q7Rz0cF3nY5-kW2_hT8pLm",
            SsoClaims.NEVER,
            "alice@PORTHOLE.TEST");
    assertThatThrownBy(
            () ->
                factory.build(
                    "u", SESSION, VM, "h:1", "vnc", ConsoleClaims.MODE_INTERACTIVE, 30, sso))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                factory.build(
                    "u", SESSION, VM, "h:1", "sso", ConsoleClaims.MODE_INTERACTIVE, 30, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
