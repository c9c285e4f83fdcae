package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's way to the demo VM's console in the browser, and what they must see there: the VM list
 * of an engine, then the VM's console page connected, with the VM's VGA text screen drawn on
 * noVNC's canvas.
 */
public final class ConsolePage {
  private static final Duration LIST_WAIT = Duration.ofSeconds(30);
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);
  private static final Duration DRAW_WAIT = Duration.ofSeconds(60);

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

  private ConsolePage() {}

  /**
   * Opens the VM list of the engine at {@code engineUrl}, waits for {@code vm}'s row, then opens
   * that VM's console page and waits until it says it is connected.
   */
  public static void open(ChromeDriver browser, String engineUrl, String vm) {
    browser.get(engineUrl + "/");
    new WebDriverWait(browser, LIST_WAIT)
        .until(
            d -> !d.findElements(By.cssSelector("#vm-list [data-vm-id='" + vm + "']")).isEmpty());
    browser.get(engineUrl + "/console.html?vm=" + vm);
    Browser.awaitConsoleState(browser, "connected", CONNECT_WAIT);
  }

  /**
   * Waits until the console page's canvas shows something, saves a screenshot to {@code shot}, and
   * asserts it is the demo VM's screen: VGA text mode (720x400), text on black, neither blank nor
   * an all-white error page.
   */
  public static void assertShowsVmScreen(ChromeDriver browser, Path shot) throws IOException {
    Map<?, ?> stats =
        new WebDriverWait(browser, DRAW_WAIT)
            .until(
                d -> {
                  Object s = ((ChromeDriver) d).executeScript(CANVAS_STATS);
                  return s instanceof Map<?, ?> m && ((Number) m.get("lit")).longValue() > 1000
                      ? m
                      : null;
                });
    Files.createDirectories(shot.toAbsolutePath().getParent());
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

    long width = ((Number) stats.get("width")).longValue();
    long height = ((Number) stats.get("height")).longValue();
    long lit = ((Number) stats.get("lit")).longValue();
    assertThat(width).as("VGA text mode width").isEqualTo(720);
    assertThat(height).as("VGA text mode height").isEqualTo(400);
    assertThat(lit).isBetween(width * height / 200, width * height / 2);
    assertThat(((Number) stats.get("colours")).longValue()).isGreaterThanOrEqualTo(2);
  }
}
