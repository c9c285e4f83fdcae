package org.porthole.nativeviewer.signin;

import java.util.Base64;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;

/**
 * {@code Authorization: Negotiate} from the user's Kerberos ticket cache (what {@code kinit}
 * wrote), with JGSS and no JAAS file ({@link KerberosSetup}): from the cache only ({@code
 * KRB5CCNAME}), never prompting. Each request gets a new token: the engine's replay cache refuses a
 * token seen before. Credentials are never delegated to the engine.
 */
public final class Negotiate implements EngineAuthorization {
  private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

  private final String service;

  /** For the engine on {@code host}: service {@code HTTP@host}, as browsers name it. */
  public Negotiate(String host) {
    this.service = "HTTP@" + host;
    KerberosSetup.prepare();
  }

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (GSSException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String header() {
    try {
      GSSManager manager = GSSManager.getInstance();
      GSSName server = manager.createName(service, GSSName.NT_HOSTBASED_SERVICE);
      GSSContext context = manager.createContext(server, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
      try {
        context.requestMutualAuth(true);
        context.requestCredDeleg(false);
        byte[] token = context.initSecContext(new byte[0], 0, 0);
        return "Negotiate " + Base64.getEncoder().encodeToString(token);
      } finally {
        context.dispose();
      }
    } catch (GSSException e) {
      throw new ViewerFailure(
          ExitCode.SIGN_IN,
          "no usable Kerberos ticket for "
              + service
              + " ("
              + e.getMajorString()
              + "): run kinit, or porthole-viewer login",
          e);
    }
  }

  @Override
  public String method() {
    return "Kerberos";
  }
}
