package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.porthole.testsupport.engine.EngineClient;

/**
 * Issue 3, acceptance 1, in headless Chromium against the stack's real Keycloak and KDC: after
 * kinit the page signs the user in with no password typed (SPNEGO at Keycloak) and lists only the
 * VMs that user may open; a user without rights sees none and is refused a ticket with the missing
 * permission named.
 */
class SignInIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SIGN_IN_WAIT = Duration.ofSeconds(60);

  @TempDir Path alicesDesktop;
  @TempDir Path bobsDesktop;

  @Test
  void aliceSignsInWithHerKerberosTicketAndSeesOnlyTheDemoVm() throws Exception {
    LocalStack stack = SharedStack.get();
    ChromeDriver browser = Browser.withKerberos(alicesDesktop, stack, "alice");
    try {
      browser.get(stack.options().engineUrl() + "/");
      awaitSignedIn(browser, "alice");
      List<String> listed =
          new WebDriverWait(browser, SIGN_IN_WAIT)
              .until(
                  d -> {
                    List<String> vms =
                        d.findElements(By.cssSelector("[data-testid=vm-row]")).stream()
                            .map(r -> r.getAttribute("data-vm"))
                            .toList();
                    return vms.isEmpty() ? null : vms;
                  });
      assertThat(listed)
          .as("alice may open the demo VM (group console-users, tag demo) and nothing else")
          .containsExactly(stack.demoVmUuid());
      WebElement open =
          browser.findElement(By.cssSelector("[data-testid=vm-row] [data-testid=vm-open]"));
      assertThat(open.getAttribute("aria-disabled"))
          .as("alice holds console.connect")
          .isNotEqualTo("true");
    } finally {
      browser.quit();
    }
  }

  @Test
  void bobSignsInSeesNoVmAndIsRefusedATicketWithThePermissionNamed() throws Exception {
    LocalStack stack = SharedStack.get();
    ChromeDriver browser = Browser.withKerberos(bobsDesktop, stack, "bob");
    try {
      browser.get(stack.options().engineUrl() + "/");
      awaitSignedIn(browser, "bob");
      new WebDriverWait(browser, SIGN_IN_WAIT)
          .until(d -> !d.findElements(By.cssSelector("[data-testid=vm-empty]")).isEmpty());
      assertThat(browser.findElements(By.cssSelector("[data-testid=vm-row]"))).isEmpty();
      assertThat(
              browser.findElements(By.cssSelector("[data-testid=tab-access]")).stream()
                  .noneMatch(WebElement::isDisplayed))
          .as("no admin tabs for bob")
          .isTrue();
    } finally {
      browser.quit();
    }

    EngineClient bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
    assertThat(bob.json("/vms")).as("bob's VM list").isEmpty();
    EngineClient.Answer ticket = bob.requestConsole(stack.demoVmUuid(), "interactive", false);
    assertThat(ticket.status()).as(ticket.body()).isEqualTo(403);
    assertThat(JSON.readTree(ticket.body()).path("message").asText())
        .containsPattern("console\\.(view|connect) is required");
  }

  /** The page shows the signed-in user: Keycloak let the browser in by its Kerberos ticket. */
  private static void awaitSignedIn(ChromeDriver browser, String user) {
    new WebDriverWait(browser, SIGN_IN_WAIT)
        .withMessage(
            () ->
                "not signed in as "
                    + user
                    + "; the browser is at "
                    + browser.getCurrentUrl()
                    + " (a Keycloak password form means SPNEGO failed)")
        .until(
            d -> {
              List<WebElement> name = d.findElements(By.cssSelector("[data-testid=header-user]"));
              return !name.isEmpty()
                  && "ok".equals(name.get(0).getAttribute("data-state"))
                  && user.equals(name.get(0).getText().strip());
            });
    assertThat(browser.getCurrentUrl())
        .as("back on the engine's page, not Keycloak's")
        .startsWith(SharedStack.get().options().engineUrl());
  }
}
