package org.porthole.e2e.cluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.porthole.stack.host.Sleep;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;

/** A key typed into an open console page, and the relay's counters showing it went both ways. */
final class ConsoleInput {
  private static final Duration RELAY_WAIT = Duration.ofSeconds(30);
  private static final String BYTES = "porthole_relay_bytes_total";

  private ConsoleInput() {}

  /** Clicks noVNC's canvas (keyboard focus) and presses Enter: the VM's screen answers. */
  static void pressEnter(ChromeDriver browser) {
    WebElement canvas = browser.findElement(By.cssSelector("#screen canvas"));
    new Actions(browser).moveToElement(canvas).click().sendKeys(Keys.ENTER).perform();
  }

  /**
   * Waits until the relay at {@code metricsUrl} has sent bytes both to the VM (the key, noVNC's
   * update requests) and to the browser (frames) since {@code before}, its console still open.
   */
  static void awaitRelayed(String service, String metricsUrl, MetricsScrape before)
      throws IOException {
    Instant deadline = Instant.now().plus(RELAY_WAIT);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      MetricsScrape now = AdminGet.metrics(metricsUrl);
      double toVm = moved(now, before, "to_vm");
      double toClient = moved(now, before, "to_client");
      double open = now.sumOrZero("porthole_consoles_open");
      last = "to_vm +" + toVm + ", to_client +" + toClient + ", consoles open " + open;
      if (toVm > 0 && toClient > 0 && open >= 1) {
        return;
      }
      Sleep.millis(500);
    }
    throw new AssertionError(
        "the " + service + " relayed no input and no frames after " + RELAY_WAIT + ": " + last);
  }

  private static double moved(MetricsScrape now, MetricsScrape before, String direction) {
    return now.sumOrZero(BYTES, "direction", direction)
        - before.sumOrZero(BYTES, "direction", direction);
  }
}
