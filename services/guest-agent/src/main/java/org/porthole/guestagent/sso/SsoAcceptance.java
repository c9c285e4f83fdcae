package org.porthole.guestagent.sso;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.kerberos.KerberosTicket;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.guestagent.sso.LocalUsers.LocalUser;
import org.porthole.sso.exchange.GuestExchange;
import org.porthole.sso.gssapi.Ccache;
import org.porthole.sso.protocol.SsoErrorCode;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The guest's decision on an authenticated SSO client (docs/sso-protocol.md, step 5): the principal
 * must be the console's own user and map to a local account ({@link PrincipalMap}); a delegated TGT
 * is stored as that account's file cache {@code <dir>/krb5cc_<uid>}, mode 0600, owned by it,
 * renamed into place; then the account's session is unlocked. Each refusal names the check that
 * failed and never a credential.
 */
public final class SsoAcceptance implements GuestExchange.Acceptance {
  private static final Logger LOG = Logger.getLogger(SsoAcceptance.class.getName());

  private final String consolePrincipal;
  private final PrincipalMap principals;
  private final Path ccacheDir;
  private final DesktopBackend desktop;

  /**
   * A decision for the console of {@code consolePrincipal} (the engine's user for this session, as
   * a principal of the guest's realm).
   */
  public SsoAcceptance(
      String consolePrincipal, PrincipalMap principals, Path ccacheDir, DesktopBackend desktop) {
    this.consolePrincipal = consolePrincipal;
    this.principals = principals;
    this.ccacheDir = ccacheDir;
    this.desktop = desktop;
  }

  @Override
  public SsoMessage decide(String principal, Optional<KerberosTicket> delegatedTgt) {
    if (!principal.equals(consolePrincipal)) {
      return refuse(SsoErrorCode.WRONG_USER, principal + " is not this console's user");
    }
    Optional<LocalUser> user;
    try {
      user = principals.map(principal);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read the account list: {0}", e.getMessage());
      return refuse(SsoErrorCode.NOT_MAPPED, "the guest cannot read its account list");
    }
    if (user.isEmpty()) {
      return refuse(SsoErrorCode.NOT_MAPPED, principal + " maps to no local account");
    }
    LocalUser account = user.get();
    if (delegatedTgt.isPresent()) {
      Path cache = ccacheDir.resolve("krb5cc_" + account.uid());
      try {
        Ccache.write(delegatedTgt.get(), cache, account.uid(), account.gid());
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "cannot store credentials for {0}: {1}", args(account, e));
        return refuse(SsoErrorCode.STORE_FAILED, "the guest could not store the credentials");
      }
    }
    try {
      desktop.unlock(account.name());
    } catch (DesktopException e) {
      LOG.log(Level.WARNING, "cannot unlock {0}: {1}", args(account, e));
      return refuse(SsoErrorCode.UNLOCK_FAILED, "the guest could not unlock the session");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("user", account.name());
    result.put("principal", principal);
    result.put("delegated", delegatedTgt.isPresent());
    result.put("session", "unlocked");
    return new SsoMessage.Ok(result);
  }

  private static Object[] args(LocalUser account, Exception e) {
    return new Object[] {account.name(), e.getMessage()};
  }

  private static SsoMessage refuse(SsoErrorCode code, String text) {
    return new SsoMessage.Error(code.wire(), text);
  }
}
