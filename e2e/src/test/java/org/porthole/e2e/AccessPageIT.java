package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * Issue 3 from the admin's page in headless Chromium (signed in by Kerberos): an ACL added in the
 * Access tab gives bob the VM at once, deleting it takes it away again, and the Audit tab shows
 * both changes and the story of a console session, oldest first.
 */
class AccessPageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path adminsDesktop;

  @Test
  void anAdminGrantsAndRevokesInThePageAndSeesItInTheAudit() throws Exception {
    LocalStack stack = SharedStack.get();
    String vm = stack.demoVmUuid();
    EngineClient bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
    assertThat(bob.json("/vms")).as("bob starts without rights").isEmpty();

    ChromeDriver browser = Browser.withKerberos(adminsDesktop, stack, "admin");
    try {
      browser.get(stack.options().engineUrl() + "/");
      wait(browser, d -> "admin".equals(text(d, "[data-testid=header-user]")));
      click(browser, "[data-testid=tab-access]");

      select(browser, "[data-testid=acl-subject-kind]", "user");
      typeInto(browser, "[data-testid=acl-subject]", "bob");
      select(browser, "[data-testid=acl-object-kind]", "vm");
      typeInto(browser, "[data-testid=acl-object]", vm);
      select(browser, "[data-testid=acl-permission]", "console.view");
      click(browser, "[data-testid=acl-add]");
      String aclId =
          wait(
              browser,
              d ->
                  d.findElements(By.cssSelector("[data-testid=acl-row]")).stream()
                      .filter(
                          r -> r.getText().contains("bob") && r.getText().contains("console.view"))
                      .map(r -> r.getAttribute("data-acl-id"))
                      .findFirst()
                      .orElse(null));
      assertThat(bob.json("/vms").findValuesAsText("id"))
          .as("bob sees the VM right after the page's change")
          .containsExactly(vm);

      click(browser, "[data-testid=acl-delete][data-acl-id='" + aclId + "']");
      wait(
          browser,
          d ->
              d.findElements(By.cssSelector("[data-testid=acl-row][data-acl-id='" + aclId + "']"))
                  .isEmpty());
      assertThat(bob.json("/vms")).as("bob's VM is gone once the row is deleted").isEmpty();

      // A view ticket: it never holds the console, so later tests need not wait for it to expire.
      String session =
          EngineClient.ticketOf(
                  EngineClient.as(stack.options().engineUrl(), "admin", stack::token)
                      .requestConsole(vm, "view", false))
              .sessionId();
      click(browser, "[data-testid=tab-audit]");
      typeInto(browser, "[data-testid=audit-filter-session]", session);
      click(browser, "[data-testid=audit-apply]");
      List<String> kinds =
          wait(
              browser,
              d -> {
                List<String> k =
                    d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
                        .map(r -> r.getAttribute("data-kind"))
                        .toList();
                return k.isEmpty() ? null : k;
              });
      assertThat(kinds).as("the session's events").anyMatch(k -> k.contains("issued"));
      click(browser, "[data-testid=audit-session][data-session-id='" + session + "']");
      String first =
          wait(
              browser,
              d -> {
                List<WebElement> story =
                    d.findElements(By.cssSelector("[data-testid=audit-story-row]"));
                return story.isEmpty() ? null : story.get(0).getText();
              });
      assertThat(first).as("the story starts with the ticket").contains("issued");

      typeInto(browser, "[data-testid=audit-filter-session]", "");
      typeInto(browser, "[data-testid=audit-filter-user]", "admin");
      click(browser, "[data-testid=audit-apply]");
      wait(
          browser,
          d -> {
            List<String> k =
                d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
                    .map(r -> r.getAttribute("data-kind"))
                    .toList();
            return k.stream().anyMatch(x -> x.startsWith("acl.") && x.contains("creat"))
                && k.stream().anyMatch(x -> x.startsWith("acl.") && x.contains("delet"));
          });
    } finally {
      browser.quit();
    }
  }

  /** Waits for {@code until}; the page may re-render a list under an element just found. */
  private static <T> T wait(WebDriver browser, Function<WebDriver, T> until) {
    return new WebDriverWait(browser, WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(until);
  }

  private static String text(WebDriver d, String css) {
    List<WebElement> found = d.findElements(By.cssSelector(css));
    return found.isEmpty() ? null : found.get(0).getText().strip();
  }

  private static void click(WebDriver browser, String css) {
    wait(
        browser,
        d -> {
          List<WebElement> found = d.findElements(By.cssSelector(css));
          if (found.isEmpty() || !found.get(0).isDisplayed() || !found.get(0).isEnabled()) {
            return false;
          }
          found.get(0).click();
          return true;
        });
  }

  private static void typeInto(WebDriver browser, String css, String value) {
    wait(
        browser,
        d -> {
          WebElement field = d.findElement(By.cssSelector(css));
          field.clear();
          field.sendKeys(value);
          return value.equals(field.getAttribute("value"));
        });
  }

  private static void select(WebDriver browser, String css, String value) {
    wait(
        browser,
        d -> {
          new Select(d.findElement(By.cssSelector(css))).selectByValue(value);
          return true;
        });
  }
}
