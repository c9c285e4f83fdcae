package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;

/**
 * What the README's "Sign-in" says about Kerberos in Chromium: in a fresh profile with a ticket the
 * very first load of the page lands on Keycloak's password form (Chromium answers the first
 * Negotiate challenge without a ticket), and opening the page again signs in without a password.
 * When a Chromium stops doing this, this test fails and the README's note can go.
 */
class KerberosFirstLoadIT {
  private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

  @TempDir Path desktop;

  @Test
  void firstLoadShowsThePasswordFormAndOpeningThePageAgainSignsIn() throws Exception {
    LocalStack stack = SharedStack.get();
    ChromeDriver browser = Browser.withKerberosUnprimed(desktop, stack, "alice");
    try {
      browser.get(stack.options().engineUrl() + "/");
      String first =
          new WebDriverWait(browser, PAGE_WAIT)
              .until(d -> signedIn(d, "alice") ? "signed-in" : passwordForm(d) ? "form" : null);
      System.out.printf("e2e: first load in a fresh profile: %s%n", first);
      assertThat(first)
          .as("the first load lands on Keycloak's password form (README, Sign-in)")
          .isEqualTo("form");
      assertThat(browser.getCurrentUrl()).startsWith(stack.realmUrl());

      // A new sign-in: Keycloak challenges again, and this time Chromium sends the ticket.
      browser.get(stack.options().engineUrl() + "/");
      new WebDriverWait(browser, PAGE_WAIT)
          .withMessage(
              () ->
                  "opening the page again did not sign in; the browser is at "
                      + browser.getCurrentUrl())
          .until(d -> signedIn(d, "alice"));
      assertThat(browser.getCurrentUrl()).startsWith(stack.options().engineUrl());
    } finally {
      browser.quit();
    }
  }

  private static boolean passwordForm(org.openqa.selenium.WebDriver d) {
    return !d.findElements(By.cssSelector("input[type=password]")).isEmpty();
  }

  private static boolean signedIn(org.openqa.selenium.WebDriver d, String user) {
    List<WebElement> name = d.findElements(By.cssSelector("[data-testid=header-user]"));
    return !name.isEmpty()
        && "ok".equals(name.get(0).getAttribute("data-state"))
        && user.equals(name.get(0).getText().strip());
  }
}
