package org.porthole.engine.auth.kerberos;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import javax.security.auth.login.LoginException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.ietf.jgss.GSSException;
import org.jboss.logging.Logger;

/**
 * The engine's Kerberos service identity from configuration: on when both {@code
 * porthole.kerberos.principal} and {@code porthole.kerberos.keytab} are set. The keytab is read on
 * first use and again after a failed read, so a keytab put in place late still works.
 */
@ApplicationScoped
public class KerberosService {

  private static final Logger LOG = Logger.getLogger(KerberosService.class);

  private final Optional<String> principal;
  private final Optional<Path> keytab;
  private volatile KerberosAcceptor acceptor;

  @Inject
  public KerberosService(
      @ConfigProperty(name = "porthole.kerberos.principal") Optional<String> principal,
      @ConfigProperty(name = "porthole.kerberos.keytab") Optional<Path> keytab,
      @ConfigProperty(name = "porthole.kerberos.krb5-conf") Optional<Path> krb5Conf) {
    this.principal = principal.filter(p -> !p.isBlank());
    this.keytab = keytab;
    // The JDK reads one krb5.conf per process; the engine's service principal names its realm,
    // so this only matters where /etc/krb5.conf is absent or points elsewhere.
    krb5Conf.ifPresent(
        conf -> System.setProperty("java.security.krb5.conf", conf.toAbsolutePath().toString()));
  }

  /** True when Negotiate is configured: the challenge offers it and tokens are checked. */
  public boolean enabled() {
    return principal.isPresent() && keytab.isPresent();
  }

  /** The client principal of a valid token (see {@link KerberosAcceptor#accept}). */
  public String accept(byte[] token) throws GSSException {
    return acceptor().accept(token);
  }

  private KerberosAcceptor acceptor() throws GSSException {
    KerberosAcceptor current = acceptor;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (acceptor == null) {
        if (!enabled()) {
          throw new GSSException(GSSException.NO_CRED, -1, "Kerberos is not configured");
        }
        try {
          acceptor = KerberosAcceptor.login(principal.get(), keytab.get());
          LOG.infof("Kerberos: accepting Negotiate as %s", principal.get());
        } catch (LoginException e) {
          LOG.errorf(
              "Kerberos: cannot read the keys of %s from %s: %s",
              principal.get(), keytab.get(), e.getMessage());
          throw new GSSException(GSSException.NO_CRED, -1, "service keys unavailable");
        }
      }
      return acceptor;
    }
  }
}
