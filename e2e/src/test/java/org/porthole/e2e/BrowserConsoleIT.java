package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;

/**
 * A person's view: headless Chromium opens the VM list, then the console, and sees the VM's screen.
 */
class BrowserConsoleIT {
  /** Counts lit pixels and colours on noVNC's canvas; null until the canvas exists. */
  private static final String CANVAS_STATS =
      """
      const c = document.querySelector('#screen canvas');
      if (!c || c.width < 100) return null;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let lit = 0; const colours = new Set();
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] + d[i + 1] + d[i + 2] > 200) lit++;
        if (colours.size < 64) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
      return {width: c.width, height: c.height, lit: lit, colours: colours.size};
      """;

  @TempDir Path profile;

  @Test
  void showsTheVmScreenInTheBrowser() throws Exception {
    LocalStack stack = SharedStack.get();
    String vm = stack.demoVmUuid();
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      browser.get(stack.options().engineUrl() + "/");
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(
              d -> !d.findElements(By.cssSelector("#vm-list [data-vm-id='" + vm + "']")).isEmpty());

      browser.get(stack.options().engineUrl() + "/console.html?vm=" + vm);
      Browser.awaitConsoleState(browser, "connected", Duration.ofSeconds(60));
      Map<?, ?> stats =
          new WebDriverWait(browser, Duration.ofSeconds(60))
              .until(
                  d -> {
                    Object s = ((ChromeDriver) d).executeScript(CANVAS_STATS);
                    return s instanceof Map<?, ?> m && ((Number) m.get("lit")).longValue() > 1000
                        ? m
                        : null;
                  });
      Path shot = Path.of("target/e2e-console.png");
      Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

      long width = ((Number) stats.get("width")).longValue();
      long height = ((Number) stats.get("height")).longValue();
      long lit = ((Number) stats.get("lit")).longValue();
      assertThat(width).as("VGA text mode width").isEqualTo(720);
      assertThat(height).as("VGA text mode height").isEqualTo(400);
      // The banner: text on black, neither blank nor an all-white error page.
      assertThat(lit).isBetween(width * height / 200, width * height / 2);
      assertThat(((Number) stats.get("colours")).longValue()).isGreaterThanOrEqualTo(2);
    } finally {
      browser.quit();
    }
  }
}
