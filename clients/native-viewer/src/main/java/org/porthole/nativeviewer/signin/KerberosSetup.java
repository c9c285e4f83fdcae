package org.porthole.nativeviewer.signin;

import java.util.HashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * How the viewer reaches the user's Kerberos tickets, for every use of them (Negotiate sign-in to
 * the engine, SSO into a guest): the ticket cache {@code kinit} wrote, found as MIT tools find it
 * ({@code KRB5CCNAME}, {@code KRB5_CONFIG}), and never a prompt for a password.
 */
public final class KerberosSetup {
  /** The JAAS entry JGSS logs in with as an initiator. */
  public static final String INITIATOR_ENTRY = "com.sun.security.jgss.krb5.initiate";

  private static final String KRB5_LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

  private KerberosSetup() {}

  /**
   * Lets JGSS find the ticket cache and {@code krb5.conf} by itself, with no JAAS file: {@code
   * javax.security.auth.useSubjectCredsOnly=false} lets JGSS log in on its own, with {@link
   * #configuration()}; {@code KRB5_CONFIG} names the configuration when {@code
   * java.security.krb5.conf} is not set. Process-wide and idempotent (an initiator only: no
   * acceptor runs in this process).
   */
  public static synchronized void prepare() {
    System.setProperty("javax.security.auth.useSubjectCredsOnly", "false");
    Configuration.setConfiguration(new TicketCacheOnly());
    String krb5Config = System.getenv("KRB5_CONFIG");
    if (krb5Config != null
        && !krb5Config.isBlank()
        && System.getProperty("java.security.krb5.conf") == null) {
      System.setProperty("java.security.krb5.conf", krb5Config);
    }
  }

  /** The JAAS configuration that reads the ticket cache only and never prompts. */
  public static Configuration configuration() {
    return new TicketCacheOnly();
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
            KRB5_LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
      };
    }
  }
}
