package org.porthole.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.porthole.stack.demovm.DemoVm;

/**
 * The demo guest's serial console as libvirt logs it: where the guest agent's test probe prints
 * {@code PORTHOLE-GUEST:} lines. A test takes a {@link #mark()} before it acts and reads only what
 * the guest printed after it.
 */
public final class GuestSerial {
  private final Path log;

  public GuestSerial(String vmName) {
    this.log = DemoVm.serialLog(vmName);
  }

  /** The log's length now: lines printed from here on belong to what the test does next. */
  public long mark() throws IOException {
    return Files.exists(log) ? Files.size(log) : 0;
  }

  /**
   * The complete lines printed since {@code mark}: a line the guest is still writing (no newline
   * yet) is not one, or a test would match "re" of "refused code=…".
   */
  public List<String> linesSince(long mark) throws IOException {
    if (!Files.exists(log)) {
      throw new AssertionError(
          "no serial log at " + log + ": the demo domain logs its console there");
    }
    byte[] all = Files.readAllBytes(log);
    int from = (int) Math.min(mark, all.length);
    int end = all.length;
    while (end > from && all[end - 1] != '\n') {
      end--;
    }
    return new String(all, from, end - from, StandardCharsets.UTF_8)
        .lines()
        .map(l -> l.replace("\r", ""))
        .toList();
  }

  /** Waits until a line printed since {@code mark} matches {@code regex} (found anywhere in it). */
  public Matcher await(long mark, String regex, Duration limit)
      throws IOException, InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      for (String line : linesSince(mark)) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "no line matching /"
                + regex
                + "/ on the guest's serial console ("
                + log
                + ") within "
                + limit
                + "; printed since the mark:\n"
                + String.join("\n", linesSince(mark)));
      }
      Thread.sleep(200);
    }
  }

  /** The Flags of the krbtgt ticket in the probe's {@code klist -f} lines; "" when none. */
  static String tgtFlags(List<String> klist) {
    boolean inTgt = false;
    for (String line : klist) {
      if (line.contains("krbtgt/")) {
        inTgt = true;
      } else if (inTgt && line.contains("Flags:")) {
        return line.substring(line.indexOf("Flags:") + 6).strip();
      }
    }
    return "";
  }
}
