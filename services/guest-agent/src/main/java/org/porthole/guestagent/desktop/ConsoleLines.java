package org.porthole.guestagent.desktop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The test guest image's console: {@code PORTHOLE-GUEST: <text>} lines appended to a file (in the
 * image a FIFO that reaches the VGA and serial consoles). Each line is one write of at most {@link
 * #MAX_LINE} bytes, so lines from different threads never mix (a pipe write up to 4 KiB is atomic).
 */
public final class ConsoleLines {
  /** The prefix of every line. */
  public static final String PREFIX = "PORTHOLE-GUEST: ";

  /** Longest line written, prefix included; longer text is cut. */
  public static final int MAX_LINE = 1024;

  private final Path console;

  public ConsoleLines(Path console) {
    this.console = console;
  }

  /** Appends {@code PREFIX + text}, cut to {@link #MAX_LINE} bytes, and a line end. */
  public synchronized void print(String text) throws IOException {
    byte[] bytes = (PREFIX + text).getBytes(StandardCharsets.UTF_8);
    int length = Math.min(bytes.length, MAX_LINE - 1);
    byte[] line = new byte[length + 1];
    System.arraycopy(bytes, 0, line, 0, length);
    line[length] = '\n';
    try (OutputStream out =
        Files.newOutputStream(
            console,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      out.write(line);
    }
  }
}
