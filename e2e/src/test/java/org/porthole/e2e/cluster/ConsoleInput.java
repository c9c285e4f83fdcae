package org.porthole.e2e.cluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.porthole.e2e.GuestSerial;
import org.porthole.stack.host.Sleep;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;

/** A line typed into an open console page, read by the guest, and the relays' counters. */
final class ConsoleInput {
  private static final Duration RELAY_WAIT = Duration.ofSeconds(30);
  private static final String BYTES = "porthole_relay_bytes_total";

  private ConsoleInput() {}

  /**
   * Clicks noVNC's canvas (keyboard focus), types {@code word} and Enter, and waits until the demo
   * guest's serial log shows it read that line: the keys reached the VM, not only noVNC's own
   * update requests (which move bytes to the VM without any input).
   */
  static void typeLine(ChromeDriver browser, GuestSerial serial, String word)
      throws IOException, InterruptedException {
    long mark = serial.mark();
    WebElement canvas = browser.findElement(By.cssSelector("#screen canvas"));
    new Actions(browser).moveToElement(canvas).click().sendKeys(word, Keys.ENTER).perform();
    serial.await(mark, "porthole-demo: typed " + word + "$", RELAY_WAIT);
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
