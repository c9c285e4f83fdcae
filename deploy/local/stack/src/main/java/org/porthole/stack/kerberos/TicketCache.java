package org.porthole.stack.kerberos;

import java.nio.file.Path;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * A user's TGT as a JVM on a desktop signed in with kinit holds it: read from an MIT ticket cache
 * through JAAS's Krb5LoginModule configured in code (no JAAS file, never a password prompt).
 */
public final class TicketCache {
  private static final String LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

  private TicketCache() {}

  /**
   * A Subject holding {@code principal}'s TGT from the file cache {@code ccache}; the JVM's
   * Kerberos configuration ({@code java.security.krb5.conf}) must name the realm.
   *
   * @throws LoginException when the cache has no usable TGT for {@code principal}
   */
  public static Subject subject(Path ccache, String principal) throws LoginException {
    Map<String, String> options =
        Map.of(
            "useTicketCache",
            "true",
            "ticketCache",
            ccache.toString(),
            "principal",
            principal,
            "doNotPrompt",
            "true",
            "refreshKrb5Config",
            "true");
    AppConfigurationEntry entry =
        new AppConfigurationEntry(
            LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options);
    Configuration config =
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return new AppConfigurationEntry[] {entry};
          }
        };
    LoginContext login = new LoginContext("porthole-ticket-cache", new Subject(), null, config);
    login.login();
    return login.getSubject();
  }
}
