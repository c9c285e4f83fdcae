package org.porthole.engine.auth.kerberos;

import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * Accepts a client's SPNEGO (or raw Kerberos) token with the engine's own HTTP service keys, on the
 * JDK's GSS: the keys are read from a keytab by a programmatic {@link Configuration} for {@code
 * Krb5LoginModule} (no JAAS file, no KDC contact, acceptor only). One round only: a token that does
 * not complete the context is refused.
 *
 * <p>Thread-safe: each call makes its own GSS context under the same login subject.
 */
public final class KerberosAcceptor {

  /** The SPNEGO mechanism (RFC 4178) and Kerberos v5 (RFC 4121). */
  private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

  private static final Oid KRB5 = oid("1.2.840.113554.1.2.2");
  private static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");
  private static final String LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

  private final String servicePrincipal;
  private final Subject subject;

  private KerberosAcceptor(String servicePrincipal, Subject subject) {
    this.servicePrincipal = servicePrincipal;
    this.subject = subject;
  }

  /**
   * Reads {@code servicePrincipal}'s keys from {@code keytab}; fails when the keytab lacks them.
   */
  public static KerberosAcceptor login(String servicePrincipal, Path keytab) throws LoginException {
    Map<String, String> options =
        Map.of(
            "useKeyTab", "true",
            "keyTab", keytab.toAbsolutePath().toString(),
            "principal", servicePrincipal,
            "storeKey", "true",
            "isInitiator", "false",
            "doNotPrompt", "true",
            "refreshKrb5Config", "true");
    Configuration fromKeytab =
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return new AppConfigurationEntry[] {
              new AppConfigurationEntry(
                  LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
            };
          }
        };
    LoginContext login = new LoginContext("porthole-engine-http", new Subject(), null, fromKeytab);
    login.login();
    return new KerberosAcceptor(servicePrincipal, login.getSubject());
  }

  /**
   * The client's Kerberos principal (such as {@code alice@PORTHOLE.TEST}) when {@code token} is a
   * valid first and only SPNEGO or Kerberos token for this service.
   *
   * @throws GSSException when the token is malformed, forged, replayed, expired, for another
   *     service, or needs another round
   */
  public String accept(byte[] token) throws GSSException {
    try {
      return Subject.doAs(
          subject, (PrivilegedExceptionAction<String>) () -> acceptAsService(token));
    } catch (PrivilegedActionException e) {
      if (e.getException() instanceof GSSException gss) {
        throw gss;
      }
      throw new GSSException(
          GSSException.DEFECTIVE_TOKEN, -1, e.getException().getClass().getSimpleName());
    }
  }

  private String acceptAsService(byte[] token) throws GSSException {
    GSSManager manager = GSSManager.getInstance();
    GSSName service = manager.createName(servicePrincipal, KRB5_PRINCIPAL_NAME);
    GSSCredential credential =
        manager.createCredential(
            service,
            GSSCredential.INDEFINITE_LIFETIME,
            new Oid[] {SPNEGO, KRB5},
            GSSCredential.ACCEPT_ONLY);
    GSSContext context = manager.createContext(credential);
    try {
      context.acceptSecContext(token, 0, token.length);
      if (!context.isEstablished()) {
        throw new GSSException(GSSException.DEFECTIVE_TOKEN, -1, "SPNEGO needs another round");
      }
      return context.getSrcName().toString();
    } catch (RuntimeException e) {
      // The JDK's token parsers can throw unchecked exceptions on hostile input.
      throw new GSSException(GSSException.DEFECTIVE_TOKEN, -1, e.getClass().getSimpleName());
    } finally {
      context.dispose();
    }
  }

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (GSSException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
