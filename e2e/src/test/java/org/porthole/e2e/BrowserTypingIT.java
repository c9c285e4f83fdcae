package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.launcher.LocalStack;

/**
 * What a person types into the demo VM's console in the browser shows on the VM's own screen. The
 * demo guest's VGA text console (80x25 cells of 9x16 pixels) keeps rows 17-25 for typing, where the
 * tty echoes each key: the characters typed must appear there as exactly that many new glyphs, side
 * by side on one row, and nothing else in that region may change (a cursor blink changes one cell,
 * a redrawn banner none). The guest's serial log then shows it read the line.
 */
class BrowserTypingIT {
  private static final int COLUMNS = 80;
  private static final int ROWS = 25;

  /** The first row (0-based) of the guest's typing region (build-demo-image.sh TYPING_TOP). */
  private static final int TYPING_ROW = 16;

  private static final Duration ECHO_WAIT = Duration.ofSeconds(30);

  /**
   * For each 9x16 cell of noVNC's canvas, row by row: a hash of which of its pixels are lit
   * (nonzero when it shows anything) and how many are; null while the canvas is not a VGA text
   * screen.
   */
  private static final String CELLS =
      """
      const c = document.querySelector('#screen canvas');
      if (!c || c.width !== 720 || c.height !== 400) return null;
      const d = c.getContext('2d').getImageData(0, 0, 720, 400).data;
      const hash = [], lit = [];
      for (let row = 0; row < 25; row++) for (let col = 0; col < 80; col++) {
        let h = 0, n = 0;
        for (let y = row * 16; y < row * 16 + 16; y++) for (let x = col * 9; x < col * 9 + 9; x++) {
          const i = (y * 720 + x) * 4, on = d[i] + d[i + 1] + d[i + 2] > 200 ? 1 : 0;
          h = (Math.imul(h, 31) + on + 1) | 0; n += on;
        }
        hash.push(h); lit.push(n);
      }
      return {hash: hash, lit: lit};
      """;

  @TempDir Path profile;

  @Test
  void typedTextAppearsOnTheVmScreenWhereTheTypingIs() throws Exception {
    LocalStack stack = SharedStack.get();
    GuestSerial serial = new GuestSerial(stack.options().demoVmName());
    String text = "vgaecho" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      ConsolePage.open(browser, stack.options().engineUrl(), stack.demoVmUuid());
      ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-typing-before.png"));
      Cells before = cells(browser);
      long mark = serial.mark();

      browser.findElement(By.cssSelector("#screen canvas")).click();
      new Actions(browser).sendKeys(text).perform();
      Set<Integer> changed;
      try {
        changed =
            new WebDriverWait(browser, ECHO_WAIT)
                .pollingEvery(Duration.ofMillis(200))
                .withMessage(
                    "the " + text.length() + " typed characters never showed on the screen")
                .until(d -> echoed(before, cells(browser), text.length()));
      } catch (TimeoutException e) {
        try {
          Files.write(
              Path.of("target/e2e-typing-failed.png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (RuntimeException | java.io.IOException screenshot) {
          e.addSuppressed(screenshot);
        }
        throw e;
      }
      Cells after = cells(browser);
      Files.write(Path.of("target/e2e-typed-text.png"), browser.getScreenshotAs(OutputType.BYTES));

      int first = changed.stream().min(Integer::compare).orElseThrow();
      int row = first / COLUMNS;
      System.out.printf(
          "e2e: typed %d characters, cells changed in the typing region: %s%n",
          text.length(), changed);
      assertThat(row).as("the text is in the typing region").isGreaterThanOrEqualTo(TYPING_ROW);
      assertThat(changed)
          .as("only the typed characters' cells (and the cursor's, after them) changed")
          .allMatch(cell -> cell / COLUMNS == row && cell - first <= text.length());
      for (int i = 0; i < text.length(); i++) {
        assertThat(after.lit(first + i)).as("a glyph in the cell of character %d", i).isPositive();
      }

      new Actions(browser).sendKeys(Keys.ENTER).perform();
      serial.await(mark, "porthole-demo: typed " + text + "$", ECHO_WAIT);
    } finally {
      browser.quit();
    }
  }

  /**
   * The cells of the typing region that differ from {@code before}, once at least {@code count} of
   * them lie side by side on one row and show something; null until then.
   */
  private static Set<Integer> echoed(Cells before, Cells now, int count) {
    if (now == null) {
      return null;
    }
    Set<Integer> changed = new TreeSet<>();
    for (int cell = TYPING_ROW * COLUMNS; cell < ROWS * COLUMNS; cell++) {
      if (before.hash(cell) != now.hash(cell)) {
        changed.add(cell);
      }
    }
    for (int start : changed) {
      int run = 0;
      while (run < count && changed.contains(start + run) && now.lit(start + run) > 0) {
        run++;
      }
      if (run == count && start / COLUMNS == (start + count - 1) / COLUMNS) {
        return changed;
      }
    }
    return null;
  }

  private static Cells cells(ChromeDriver browser) {
    Object answer = browser.executeScript(CELLS);
    if (!(answer instanceof java.util.Map<?, ?> map)) {
      return null;
    }
    return new Cells(numbers(map.get("hash")), numbers(map.get("lit")));
  }

  private static long[] numbers(Object list) {
    return ((List<?>) list).stream().mapToLong(n -> ((Number) n).longValue()).toArray();
  }

  /** One screen as per-cell pixel hashes and lit-pixel counts, row by row. */
  private record Cells(long[] hashes, long[] lits) {
    long hash(int cell) {
      return hashes[cell];
    }

    long lit(int cell) {
      return lits[cell];
    }
  }
}
