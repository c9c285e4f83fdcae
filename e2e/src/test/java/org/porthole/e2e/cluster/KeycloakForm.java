package org.porthole.e2e.cluster;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.kerberos.Kdc;

/**
 * Signing in with a password at Keycloak's login form: the engine in a pod sends the browser to
 * Keycloak on the node's address, where Kerberos (whose service principal is {@code
 * HTTP/localhost}) does not apply.
 */
final class KeycloakForm {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private KeycloakForm() {}

  /** Opens the engine's page, signs {@code user} in with the stack's demo password. */
  static void signIn(ChromeDriver browser, String engineUrl, String user) {
    browser.get(engineUrl + "/");
    new WebDriverWait(browser, WAIT)
        .withMessage(() -> "no Keycloak login form but " + where(browser))
        .until(d -> !d.findElements(By.id("kc-login")).isEmpty());
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(Kdc.DEMO_USERS.get(user));
    browser.findElement(By.id("kc-login")).click();
    new WebDriverWait(browser, WAIT)
        .withMessage(() -> "not back at the engine after signing in but " + where(browser))
        .until(d -> d.getCurrentUrl().startsWith(engineUrl));
  }

  private static String where(ChromeDriver browser) {
    return browser.getCurrentUrl() + " (" + browser.getTitle() + ")";
  }
}
