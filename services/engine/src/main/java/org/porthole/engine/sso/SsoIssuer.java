package org.porthole.engine.sso;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;
import org.porthole.engine.auth.UserDirectory;
import org.porthole.engine.auth.UserDirectory.DirectoryUnavailableException;
import org.porthole.engine.token.ConsoleTokens;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.SsoClaims;

/**
 * The SSO steps of issuing a console: the caller's Kerberos principal from the directory (before
 * the ticket's transaction), then in it the {@code console.sso} check, the VM's pinned SPN ({@link
 * SpnPins}), the delegation policy (the VM's, else {@code porthole.sso.delegation}), a fresh nonce,
 * the stored grant and the signed SSO token: same session, VM, host, subject and mode as the
 * console's token, its own {@code jti}, {@code ch=sso}.
 */
@ApplicationScoped
public class SsoIssuer {

  /** 16 random bytes, 22 base64url characters: within the token's nonce grammar. */
  private static final int NONCE_BYTES = 16;

  private final UserDirectory directory;
  private final SsoRepository repository;
  private final SpnPins pins;
  private final ConsoleTokens tokens;
  private final SsoConfig config;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public SsoIssuer(
      UserDirectory directory,
      SsoRepository repository,
      SpnPins pins,
      ConsoleTokens tokens,
      SsoConfig config) {
    this.directory = directory;
    this.repository = repository;
    this.pins = pins;
    this.tokens = tokens;
    this.config = config;
  }

  /** The console session the SSO token is for. */
  public record Console(
      UUID sessionId, UUID vmId, String hostId, String mode, int ticketSeconds, Instant issuedAt) {}

  /**
   * The caller's Kerberos principal as the directory holds it now.
   *
   * @throws PortholeException CONFLICT when the directory has none for the caller,
   *     UPSTREAM_UNAVAILABLE when the directory cannot be asked
   */
  public String principalOf(Caller caller) {
    Optional<DirectoryUser> user;
    try {
      user = directory.lookup(caller.name());
    } catch (DirectoryUnavailableException e) {
      throw new PortholeException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the directory cannot say "
              + caller.name()
              + "'s Kerberos principal now; SSO needs it, try again");
    }
    return user.flatMap(DirectoryUser::kerberosPrincipal)
        .filter(p -> SsoClaims.PRINCIPAL.matcher(p).matches())
        .orElseThrow(
            () ->
                new PortholeException(
                    PortholeStatus.CONFLICT,
                    caller.name() + " has no Kerberos principal in the directory; SSO needs one"));
  }

  /** Requires {@code console.sso} among the caller's permissions on the VM (403 naming it). */
  public static void requirePermission(Set<Permission> held, UUID vmId) {
    if (!held.contains(Permission.CONSOLE_SSO)) {
      throw AccessEvaluator.forbidden(Permission.CONSOLE_SSO, vmId);
    }
  }

  /**
   * Grants SSO to the console session in its transaction and signs its SSO token.
   *
   * @param guestSpn the SPN the VM's host agent answered to PrepareConsole with sso
   * @throws PortholeException FORBIDDEN without console.sso; CONFLICT when the guest reported no
   *     SPN, or nothing is pinned and the report is malformed
   */
  public SsoTicket issue(
      Connection connection,
      Caller caller,
      Set<Permission> held,
      Console console,
      String principal,
      String guestSpn)
      throws SQLException {
    SsoGrant grant = grant(connection, held, console, principal, guestSpn);
    String nonce = newNonce();
    ConsoleTokens.SignedToken token =
        tokens.sign(
            caller.name(),
            console.sessionId(),
            console.vmId(),
            console.hostId(),
            ConsoleClaims.CHANNEL_SSO,
            console.mode(),
            console.ticketSeconds(),
            new SsoClaims(grant.spn(), nonce, grant.delegation(), principal));
    return new SsoTicket(
        token.compact(),
        config.proxyUrl(),
        grant.spn(),
        nonce,
        grant.delegation(),
        principal,
        token.claims().expiresAt());
  }

  SsoGrant grant(
      Connection connection,
      Set<Permission> held,
      Console console,
      String principal,
      String guestSpn)
      throws SQLException {
    requirePermission(held, console.vmId());
    if (guestSpn == null || guestSpn.isEmpty()) {
      throw new PortholeException(
          PortholeStatus.CONFLICT,
          "the guest agent of VM "
              + console.vmId()
              + " reported no Kerberos service principal; SSO needs one");
    }
    String spn =
        pins.learn(connection, console.vmId(), console.hostId(), guestSpn, console.issuedAt());
    String delegation = delegationOf(repository.find(connection, console.vmId()));
    SsoGrant grant =
        new SsoGrant(
            console.sessionId(),
            console.vmId(),
            console.hostId(),
            spn,
            delegation,
            principal,
            console.issuedAt(),
            null);
    repository.insertGrant(connection, grant);
    return grant;
  }

  /** The VM's own delegation policy, else the engine's default. */
  String delegationOf(Optional<SsoSettings> settings) {
    return settings
        .map(SsoSettings::delegation)
        .filter(SsoClaims::knownDelegation)
        .orElse(config.defaultDelegation());
  }

  /** A fresh session-binding nonce: 16 random bytes, base64url without padding. */
  String newNonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
