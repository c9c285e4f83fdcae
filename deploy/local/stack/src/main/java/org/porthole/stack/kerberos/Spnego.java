package org.porthole.stack.kerberos;

import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import javax.security.auth.Subject;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * The client half of SPNEGO in plain Java, for tests that sign in as a desktop with a ticket would:
 * the user's TGT is read from an MIT ticket cache (what kinit wrote), never from a password, and
 * turned into the first Negotiate token for a service.
 */
public final class Spnego {
  private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
  private static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");

  private Spnego() {}

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (org.ietf.jgss.GSSException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The base64 Negotiate token for the host-based {@code service} ({@code HTTP@localhost}), from
   * {@code principal}'s TGT.
   */
  public static String token(Path krb5Conf, Path ccache, String principal, String service)
      throws Exception {
    return token(krb5Conf, ccache, principal, service, GSSName.NT_HOSTBASED_SERVICE);
  }

  /**
   * The base64 Negotiate token for the service whose full Kerberos principal is {@code
   * servicePrincipal}.
   */
  public static String tokenForPrincipal(
      Path krb5Conf, Path ccache, String principal, String servicePrincipal) throws Exception {
    return token(krb5Conf, ccache, principal, servicePrincipal, KRB5_PRINCIPAL_NAME);
  }

  private static String token(
      Path krb5Conf, Path ccache, String principal, String service, Oid nameType) throws Exception {
    System.setProperty("java.security.krb5.conf", krb5Conf.toString());
    Subject user = TicketCache.subject(ccache, principal);
    byte[] token =
        Subject.doAs(
            user,
            (PrivilegedExceptionAction<byte[]>)
                () -> {
                  GSSManager manager = GSSManager.getInstance();
                  GSSName server = manager.createName(service, nameType);
                  GSSContext context =
                      manager.createContext(server, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                  try {
                    context.requestMutualAuth(true);
                    context.requestCredDeleg(false);
                    return context.initSecContext(new byte[0], 0, 0);
                  } finally {
                    context.dispose();
                  }
                });
    return Base64.getEncoder().encodeToString(token);
  }
}
