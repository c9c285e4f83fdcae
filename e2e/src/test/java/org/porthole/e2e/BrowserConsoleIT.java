package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;

/**
 * A person's view: headless Chromium opens the VM list, then the console, and sees the VM's screen;
 * on the way, the list's layout holds (the host's dot beside its name, no glyph the page's fonts
 * lack) and Reconnect is the main action only when no console is open.
 */
class BrowserConsoleIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** What the page may write: printable ASCII and the few marks DejaVu (the desktop's font) has. */
  private static final String DRAWABLE = "^[\\x20-\\x7e\u00b7\u2014\u2026\u00d7\u2190\u2192]*$";

  /** Every {@code content} value of the page's own stylesheet rules, and of the guest cells. */
  private static final String GENERATED_CONTENT =
      """
      const own = [...document.styleSheets].filter(s => s.href && s.href.endsWith('/porthole.css'));
      const rules = own.flatMap(s => [...s.cssRules]).map(r => r.style && r.style.content)
          .filter(c => c && c !== 'none' && c !== 'normal');
      const cells = [...document.querySelectorAll('[data-testid=vm-guest]')]
          .map(e => getComputedStyle(e, '::before').content);
      return rules.concat(cells);
      """;

  @TempDir Path profile;

  @Test
  void showsTheVmScreenInTheBrowser() throws Exception {
    LocalStack stack = SharedStack.get();
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      assertListLayout(browser, stack.options().engineUrl(), stack.demoVmUuid());
      ConsolePage.open(browser, stack.options().engineUrl(), stack.demoVmUuid());
      assertThat(reconnectClasses(browser))
          .as("Reconnect while connected")
          .doesNotContain("primary");
      ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-console.png"));

      browser.get(stack.options().engineUrl() + "/console.html?vm=" + UUID.randomUUID());
      Browser.awaitConsoleState(browser, "error", WAIT);
      assertThat(reconnectClasses(browser)).as("Reconnect without a console").contains("primary");
    } finally {
      browser.quit();
    }
  }

  /** The demo VM's row: its host's dot and name share one line, its guest cell draws no box. */
  private static void assertListLayout(ChromeDriver browser, String engineUrl, String vm) {
    browser.get(engineUrl + "/");
    String row = "#vm-list [data-vm-id='" + vm + "'] ";
    WebElement name =
        new WebDriverWait(browser, WAIT)
            .until(
                d ->
                    d.findElements(By.cssSelector(row + "[data-testid=vm-host-name]")).stream()
                        .findFirst()
                        .orElse(null));
    WebElement dot = browser.findElement(By.cssSelector(row + "[data-testid=vm-host-dot]"));
    double dotMiddle = dot.getRect().getY() + dot.getRect().getHeight() / 2.0;
    assertThat(dotMiddle)
        .as("the host's dot is on its name's line")
        .isBetween(
            (double) name.getRect().getY(),
            (double) name.getRect().getY() + name.getRect().getHeight());
    assertThat(dot.getRect().getX()).as("and left of it").isLessThan(name.getRect().getX());

    String guest = browser.findElement(By.cssSelector(row + "[data-testid=vm-guest]")).getText();
    assertThat(guest).as("the guest cell's text").isNotBlank().matches(DRAWABLE);
    @SuppressWarnings("unchecked")
    List<String> generated = (List<String>) browser.executeScript(GENERATED_CONTENT);
    assertThat(generated)
        .as("text the stylesheet puts in the page (a padlock emoji was a box)")
        .allSatisfy(content -> assertThat(content).matches(DRAWABLE));
  }

  private static String reconnectClasses(ChromeDriver browser) {
    return browser.findElement(By.id("reconnect")).getAttribute("class");
  }
}
