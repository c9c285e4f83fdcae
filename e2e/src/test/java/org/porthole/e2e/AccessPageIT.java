package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The admin's Access and Audit tabs in headless Chromium (signed in by Kerberos): an ACL added by
 * picking the VM by name gives bob the VM at once, deleting it takes it away again; the Audit tab
 * shows VMs by name, details as readable text, the story of a console session oldest first, and
 * pages through more events than one page holds. The tests' screenshots are the user guide's.
 */
class AccessPageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The Audit tab's smallest page. */
  private static final int PAGE = 25;

  /** The tallest user guide screenshot, in pixels. */
  private static final int MAX_SHOT_HEIGHT = 4000;

  @TempDir Path adminsDesktop;

  @Test
  void anAdminGrantsByVmNameAndRevokesInThePageAndSeesItInTheAudit() throws Exception {
    LocalStack stack = SharedStack.get();
    String vm = stack.demoVmUuid();
    EngineClient bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
    EngineClient admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    String vmName = admin.json("/vms/" + vm).path("name").asText();
    assertThat(bob.json("/vms")).as("bob starts without rights").isEmpty();

    ChromeDriver browser = Browser.withKerberos(adminsDesktop, stack, "admin");
    try {
      signedIn(browser, stack);
      click(browser, "[data-testid=tab-access]");

      select(browser, "[data-testid=acl-subject-kind]", "user");
      typeInto(browser, "[data-testid=acl-subject]", "bob");
      select(browser, "[data-testid=acl-object-kind]", "vm");
      selectByText(browser, "[data-testid=acl-object-vm]", vmName);
      select(browser, "[data-testid=acl-permission]", "console.view");
      click(browser, "[data-testid=acl-add]");
      String row = "[data-testid=acl-row]";
      String aclId =
          wait(
              browser,
              d ->
                  d.findElements(By.cssSelector(row)).stream()
                      .filter(r -> r.getText().contains("bob") && r.getText().contains(vmName))
                      .map(r -> r.getAttribute("data-acl-id"))
                      .findFirst()
                      .orElse(null));
      assertThat(bob.json("/vms").findValuesAsText("id"))
          .as("bob sees the VM picked by name right after the page's change")
          .containsExactly(vm);
      WebElement object =
          browser.findElement(
              By.cssSelector(row + "[data-acl-id='" + aclId + "'] [data-testid=acl-object-name]"));
      assertThat(object.getText()).isEqualTo(vmName);
      assertThat(object.getAttribute("title")).isEqualTo(vm);
      userGuideShot(browser, stack, "access-tab.png");

      click(browser, "[data-testid=acl-delete][data-acl-id='" + aclId + "']");
      wait(
          browser,
          d -> d.findElements(By.cssSelector(row + "[data-acl-id='" + aclId + "']")).isEmpty());
      assertThat(bob.json("/vms")).as("bob's VM is gone once the row is deleted").isEmpty();

      // A view ticket: it never holds the console, so later tests need not wait for it to expire.
      String session = EngineClient.ticketOf(admin.requestConsole(vm, "view", false)).sessionId();
      assertAuditTellsTheSession(browser, stack, session, vmName);
    } finally {
      browser.quit();
    }
  }

  @Test
  void theAuditTabPagesThroughMoreEventsThanAPageHolds() throws Exception {
    LocalStack stack = SharedStack.get();
    String vm = stack.demoVmUuid();
    EngineClient admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    String vmName = admin.json("/vms/" + vm).path("name").asText();
    // Each tag change is one audit event of the VM: more than a page of them.
    for (int i = 0; i < PAGE / 2 + 1; i++) {
      assertThat(admin.send("PUT", "/vms/" + vm + "/tags/paging-" + i, null).status())
          .isEqualTo(200);
      assertThat(admin.send("DELETE", "/vms/" + vm + "/tags/paging-" + i, null).status())
          .isEqualTo(204);
    }

    ChromeDriver browser = Browser.withKerberos(adminsDesktop, stack, "admin");
    try {
      signedIn(browser, stack);
      click(browser, "[data-testid=tab-audit]");
      typeInto(browser, "[data-testid=audit-filter-user]", "admin");
      selectByText(browser, "[data-testid=audit-filter-vm]", vmName);
      select(browser, "[data-testid=audit-filter-limit]", String.valueOf(PAGE));
      click(browser, "[data-testid=audit-apply]");
      List<Long> newest = pageIds(browser, "1");
      assertThat(newest).as("a full first page").hasSize(PAGE);
      assertThat(
              browser.findElements(By.cssSelector("[data-testid=audit-vm]")).stream()
                  .map(WebElement::getText)
                  .distinct()
                  .toList())
          .as("every row names the VM")
          .containsExactly(vmName);
      assertThat(text(browser, "[data-testid=audit-detail]")).startsWith("tag: paging-");
      userGuideShot(browser, stack, "audit-tab.png");

      click(browser, "[data-testid=audit-older]");
      List<Long> older = pageIds(browser, "2");
      assertThat(older).as("the next page").isNotEmpty();
      assertThat(older.get(0)).as("older than the first page").isLessThan(newest.get(PAGE - 1));
      click(browser, "[data-testid=audit-newer]");
      assertThat(pageIds(browser, "1")).as("back to the same first page").isEqualTo(newest);
      assertThat(browser.findElement(By.cssSelector("[data-testid=audit-newer]")).isEnabled())
          .isFalse();
    } finally {
      browser.quit();
    }
  }

  /**
   * The Audit tab filtered to {@code session}: the ticket's row names the VM and shows its detail
   * as text, the story starts with the ticket, and the ACL changes show under the admin's name.
   */
  private static void assertAuditTellsTheSession(
      ChromeDriver browser, LocalStack stack, String session, String vmName) throws IOException {
    click(browser, "[data-testid=tab-audit]");
    typeInto(browser, "[data-testid=audit-filter-session]", session);
    click(browser, "[data-testid=audit-apply]");
    // Read inside the wait: the table is drawn again when the filtered answer comes (a row of
    // the unfiltered table found first then goes stale), so only this session's row counts.
    List<String> issued =
        wait(
            browser,
            d ->
                d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
                    .filter(r -> r.getAttribute("data-kind").contains("issued"))
                    .filter(
                        r ->
                            !r.findElements(
                                    By.cssSelector(
                                        "[data-testid=audit-session][data-session-id='"
                                            + session
                                            + "']"))
                                .isEmpty())
                    .findFirst()
                    .map(
                        r ->
                            List.of(
                                r.findElement(By.cssSelector("[data-testid=audit-vm]")).getText(),
                                r.findElement(By.cssSelector("[data-testid=audit-detail]"))
                                    .getText()))
                    .orElse(null));
    assertThat(issued.get(0)).as("the VM by name").isEqualTo(vmName);
    String detail = issued.get(1);
    assertThat(detail).as("the detail as key: value lines").contains("mode: view");
    assertThat(detail).as("no raw JSON").doesNotContain("{", "\"");

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
    userGuideShot(browser, stack, "audit-session.png");

    typeInto(browser, "[data-testid=audit-filter-session]", "");
    typeInto(browser, "[data-testid=audit-filter-user]", "admin");
    click(browser, "[data-testid=audit-apply]");
    wait(
        browser,
        d -> {
          List<String> k = kinds(d);
          return k.stream().anyMatch(x -> x.startsWith("acl.") && x.contains("creat"))
              && k.stream().anyMatch(x -> x.startsWith("acl.") && x.contains("delet"));
        });
  }

  private static void signedIn(ChromeDriver browser, LocalStack stack) {
    browser.get(stack.options().engineUrl() + "/");
    wait(browser, d -> "admin".equals(text(d, "[data-testid=header-user]")));
  }

  /** The event ids of the audit page {@code page} once it is shown. */
  private static List<Long> pageIds(WebDriver browser, String page) {
    return wait(
        browser,
        d -> {
          WebElement line = d.findElement(By.cssSelector("[data-testid=audit-page]"));
          String status =
              d.findElement(By.cssSelector("[data-testid=audit-status]"))
                  .getAttribute("data-state");
          if (!page.equals(line.getAttribute("data-page")) || !"ok".equals(status)) {
            return null;
          }
          return d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
              .map(r -> Long.parseLong(r.getAttribute("data-audit-id")))
              .toList();
        });
  }

  private static List<String> kinds(WebDriver d) {
    return d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
        .map(r -> r.getAttribute("data-kind"))
        .toList();
  }

  /**
   * Saves the whole page as {@code docs/user-guide/img/<name>}: the window is made as tall as the
   * page for the shot, then given back its size.
   */
  private static void userGuideShot(ChromeDriver browser, LocalStack stack, String name)
      throws IOException {
    Path dir = stack.options().repoRoot().resolve("docs/user-guide/img");
    Files.createDirectories(dir);
    Dimension size = browser.manage().window().getSize();
    long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
    int chrome =
        size.getHeight() - ((Long) browser.executeScript("return window.innerHeight;")).intValue();
    browser
        .manage()
        .window()
        .setSize(new Dimension(size.getWidth(), (int) Math.min(height + chrome, MAX_SHOT_HEIGHT)));
    try {
      Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.manage().window().setSize(size);
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

  /** Picks the option showing {@code text}: a VM by its name. */
  private static void selectByText(WebDriver browser, String css, String text) {
    choose(browser, css, select -> select.selectByVisibleText(text));
  }

  private static void select(WebDriver browser, String css, String value) {
    choose(browser, css, select -> select.selectByValue(value));
  }

  /** Picks an option of the select at {@code css} once it offers it. */
  private static void choose(WebDriver browser, String css, Consumer<Select> pick) {
    wait(
        browser,
        d -> {
          pick.accept(new Select(d.findElement(By.cssSelector(css))));
          return true;
        });
  }
}
