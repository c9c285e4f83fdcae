package org.porthole.engine.sso;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.porthole.token.SsoClaims;

/**
 * The engine's SSO settings, checked when the engine starts: {@code porthole.proxy.sso-url} (where
 * viewers open the SSO channel; by default {@code porthole.proxy.url} with its trailing {@code
 * /v1/console} replaced by {@code /v1/sso}) and {@code porthole.sso.delegation} (the delegation
 * policy of VMs that have none of their own).
 */
@Startup
@ApplicationScoped
public class SsoConfig {

  static final String SSO_URL_KEY = "porthole.proxy.sso-url";
  static final String DELEGATION_KEY = "porthole.sso.delegation";
  private static final String CONSOLE_PATH = "/v1/console";
  private static final String SSO_PATH = "/v1/sso";

  private final String proxyUrl;
  private final String defaultDelegation;

  @Inject
  public SsoConfig(
      @ConfigProperty(name = "porthole.proxy.url", defaultValue = "ws://localhost:8081/v1/console")
          String consoleUrl,
      @ConfigProperty(name = SSO_URL_KEY) Optional<String> ssoUrl,
      @ConfigProperty(name = DELEGATION_KEY, defaultValue = SsoClaims.OK_AS_DELEGATE)
          String delegation) {
    this.proxyUrl = ssoUrlOf(consoleUrl, ssoUrl);
    if (!SsoClaims.knownDelegation(delegation)) {
      throw new IllegalArgumentException(
          DELEGATION_KEY + " must be never, ok-as-delegate or always, was \"" + delegation + "\"");
    }
    this.defaultDelegation = delegation;
  }

  /** The SSO channel's URL: the configured one, else derived from the console channel's. */
  static String ssoUrlOf(String consoleUrl, Optional<String> ssoUrl) {
    Optional<String> set = ssoUrl.map(String::strip).filter(u -> !u.isEmpty());
    if (set.isPresent()) {
      return set.get();
    }
    if (consoleUrl.endsWith(CONSOLE_PATH)) {
      return consoleUrl.substring(0, consoleUrl.length() - CONSOLE_PATH.length()) + SSO_PATH;
    }
    throw new IllegalArgumentException(
        SSO_URL_KEY
            + " must be set: porthole.proxy.url does not end in "
            + CONSOLE_PATH
            + ", so the SSO channel's URL cannot be derived from it");
  }

  /** Where viewers open the SSO channel. */
  public String proxyUrl() {
    return proxyUrl;
  }

  /** The delegation policy of a VM without its own. */
  public String defaultDelegation() {
    return defaultDelegation;
  }
}
