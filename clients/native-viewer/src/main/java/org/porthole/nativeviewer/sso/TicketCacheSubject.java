package org.porthole.nativeviewer.sso;

import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.porthole.nativeviewer.signin.KerberosSetup;

/**
 * The user's Kerberos identity for an SSO exchange: a {@link Subject} holding the TGT from the
 * ticket cache, logged in through the same no-prompt JAAS setup as the Negotiate sign-in. Holding
 * the TGT itself (rather than letting JGSS find it) tells, before anything is sent, whether it may
 * be forwarded at all.
 */
public final class TicketCacheSubject {
  private static final String TGT_PREFIX = "krbtgt/";

  /** Refuses every question: a login that would need to ask fails instead. */
  private static final CallbackHandler NO_PROMPT =
      callbacks -> {
        throw new UnsupportedCallbackException(
            callbacks[0], "porthole-viewer never asks for a Kerberos password");
      };

  /**
   * The logged-in user.
   *
   * @param subject the TGT and the principal, for JGSS
   * @param principal the user's principal, as the cache names it
   * @param forwardable whether the TGT may be forwarded (kinit -f); a ticket that may not is never
   *     delegated, whatever the policy
   */
  public record Login(Subject subject, String principal, boolean forwardable) {
    @Override
    public String toString() {
      return "Login[" + principal + (forwardable ? ", forwardable" : ", not forwardable") + "]";
    }
  }

  private TicketCacheSubject() {}

  /**
   * Logs in from the ticket cache, never prompting.
   *
   * @throws LoginException when the cache holds no usable TGT (none, expired, unreadable)
   */
  public static Login login() throws LoginException {
    KerberosSetup.prepare();
    Subject subject = new Subject();
    LoginContext context =
        new LoginContext(
            KerberosSetup.INITIATOR_ENTRY, subject, NO_PROMPT, KerberosSetup.configuration());
    context.login();
    KerberosTicket tgt =
        tgt(subject).orElseThrow(() -> new LoginException("the ticket cache holds no TGT"));
    return new Login(subject, tgt.getClient().getName(), tgt.isForwardable());
  }

  private static Optional<KerberosTicket> tgt(Subject subject) {
    return subject.getPrivateCredentials(KerberosTicket.class).stream()
        .filter(t -> t.getServer() != null && t.getServer().getName().startsWith(TGT_PREFIX))
        .findFirst();
  }
}
