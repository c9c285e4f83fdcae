package org.porthole.nativeviewer.signin;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;

/**
 * {@code Authorization: Negotiate} from the user's Kerberos ticket cache (what {@code kinit}
 * wrote), with JGSS and no JAAS file: {@code javax.security.auth.useSubjectCredsOnly=false} lets
 * JGSS log in by itself, from the cache only ({@code KRB5CCNAME}), never prompting. Each request
 * gets a new token: the engine's replay cache refuses a token seen before. Credentials are never
 * delegated to the engine.
 */
public final class Negotiate implements EngineAuthorization {
  private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

  private final String service;

  /** For the engine on {@code host}: service {@code HTTP@host}, as browsers name it. */
  public Negotiate(String host) {
    this.service = "HTTP@" + host;
    prepareJgss();
  }

  /**
   * Lets JGSS find the ticket cache and {@code krb5.conf} as MIT tools do: {@code KRB5_CONFIG}
   * names the configuration when {@code java.security.krb5.conf} is not set.
   */
  static void prepareJgss() {
    System.setProperty("javax.security.auth.useSubjectCredsOnly", "false");
    Configuration.setConfiguration(new TicketCacheOnly());
    String krb5Config = System.getenv("KRB5_CONFIG");
    if (krb5Config != null
        && !krb5Config.isBlank()
        && System.getProperty("java.security.krb5.conf") == null) {
      System.setProperty("java.security.krb5.conf", krb5Config);
    }
  }

  /**
   * JGSS's login without a JAAS file: the ticket cache only, never a prompt (the JDK's default
   * would ask for a Kerberos user name and password on the terminal when the cache is empty).
   */
  private static final class TicketCacheOnly extends Configuration {
    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
      Map<String, String> options = new HashMap<>();
      options.put("useTicketCache", "true");
      options.put("doNotPrompt", "true");
      options.put("refreshKrb5Config", "true");
      String cache = System.getenv("KRB5CCNAME");
      if (cache != null && !cache.isBlank() && !cache.contains(":")) {
        options.put("ticketCache", cache);
      } else if (cache != null && cache.startsWith("FILE:")) {
        options.put("ticketCache", cache.substring("FILE:".length()));
      }
      return new AppConfigurationEntry[] {
        new AppConfigurationEntry(
            "com.sun.security.auth.module.Krb5LoginModule",
            AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
            options)
      };
    }
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
