package org.porthole.engine.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;
import org.porthole.engine.auth.UserDirectory;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.SsoClaims;

class SsoIssuerTest {

  private static final Caller ALICE = new Caller("alice", Set.of("console-users"), false, "");
  private static final UUID VM = UUID.fromString("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  private static final SsoIssuer.Console CONSOLE =
      new SsoIssuer.Console(
          UUID.randomUUID(), VM, "h:1", "interactive", 120, Instant.parse("2026-12-07T00:00:00Z"));

  private static SsoIssuer issuer(UserDirectory directory, String defaultDelegation) {
    SsoRepository repository = new SsoRepository();
    return new SsoIssuer(
        directory,
        repository,
        new SpnPins(repository, null),
        null,
        new SsoConfig("ws://p/v1/console", Optional.empty(), defaultDelegation));
  }

  private static UserDirectory directoryWith(DirectoryUser user) {
    return name -> Optional.of(user).filter(u -> u.name().equals(name));
  }

  @Test
  void readsTheCallersPrincipalFromTheDirectory() {
    DirectoryUser alice =
        new DirectoryUser("alice", true, Set.of(), false, Optional.of("alice@PORTHOLE.TEST"));
    assertThat(issuer(directoryWith(alice), "never").principalOf(ALICE))
        .isEqualTo("alice@PORTHOLE.TEST");
  }

  @Test
  void aUserWithoutAPrincipalIsConflictSayingSo() {
    DirectoryUser alice = new DirectoryUser("alice", true, Set.of(), false);
    assertThatThrownBy(() -> issuer(directoryWith(alice), "never").principalOf(ALICE))
        .isInstanceOf(PortholeException.class)
        .hasMessage("alice has no Kerberos principal in the directory; SSO needs one")
        .extracting(e -> ((PortholeException) e).status())
        .isEqualTo(PortholeStatus.CONFLICT);
  }

  @Test
  void aPrincipalWithSpacesOrControlsIsNeverSignedIn() {
    DirectoryUser alice =
        new DirectoryUser("alice", true, Set.of(), false, Optional.of("alice @PORTHOLE.TEST"));
    assertThatThrownBy(() -> issuer(directoryWith(alice), "never").principalOf(ALICE))
        .extracting(e -> ((PortholeException) e).status())
        .isEqualTo(PortholeStatus.CONFLICT);
  }

  @Test
  void aDirectoryThatCannotAnswerIsUpstreamUnavailable() {
    UserDirectory down =
        name -> {
          throw new UserDirectory.DirectoryUnavailableException("Keycloak is down", null);
        };
    assertThatThrownBy(() -> issuer(down, "never").principalOf(ALICE))
        .extracting(e -> ((PortholeException) e).status())
        .isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
  }

  @Test
  void withoutConsoleSsoNothingIsPinnedOrGranted() {
    SsoIssuer issuer = issuer(directoryWith(null), "never");
    Set<Permission> connectOnly = EnumSet.of(Permission.CONSOLE_CONNECT, Permission.CONSOLE_VIEW);
    // No connection at all: the refusal comes before any read or write.
    assertThatThrownBy(
            () ->
                issuer.grant(
                    null,
                    connectOnly,
                    CONSOLE,
                    "alice@PORTHOLE.TEST",
                    "host/vm.porthole.test@PORTHOLE.TEST"))
        .isInstanceOf(PortholeException.class)
        .hasMessage("console.sso is required on VM " + VM)
        .extracting(e -> ((PortholeException) e).status())
        .isEqualTo(PortholeStatus.FORBIDDEN);
  }

  @Test
  void aGuestThatReportedNoSpnIsConflictBeforeAnyWrite() {
    SsoIssuer issuer = issuer(directoryWith(null), "never");
    assertThatThrownBy(
            () ->
                issuer.grant(
                    null, EnumSet.allOf(Permission.class), CONSOLE, "alice@PORTHOLE.TEST", ""))
        .isInstanceOf(PortholeException.class)
        .hasMessageContaining("reported no Kerberos service principal")
        .extracting(e -> ((PortholeException) e).status())
        .isEqualTo(PortholeStatus.CONFLICT);
  }

  @Test
  void noncesFitTheTokenGrammarAndNeverRepeat() {
    SsoIssuer issuer = issuer(directoryWith(null), "never");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String nonce = issuer.newNonce();
      assertThat(nonce).hasSize(22).matches(SsoClaims.NONCE);
      seen.add(nonce);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void theVmsDelegationPolicyWinsOverTheDefault() {
    SsoIssuer issuer = issuer(directoryWith(null), SsoClaims.OK_AS_DELEGATE);
    assertThat(issuer.delegationOf(Optional.empty())).isEqualTo(SsoClaims.OK_AS_DELEGATE);
    assertThat(issuer.delegationOf(Optional.of(settings(null))))
        .isEqualTo(SsoClaims.OK_AS_DELEGATE);
    assertThat(issuer.delegationOf(Optional.of(settings(SsoClaims.NEVER))))
        .isEqualTo(SsoClaims.NEVER);
    assertThat(issuer.delegationOf(Optional.of(settings(SsoClaims.ALWAYS))))
        .isEqualTo(SsoClaims.ALWAYS);
  }

  private static SsoSettings settings(String delegation) {
    return new SsoSettings(
        VM, "host/vm.porthole.test@PORTHOLE.TEST", "guest", "system", null, null, null, delegation);
  }
}
