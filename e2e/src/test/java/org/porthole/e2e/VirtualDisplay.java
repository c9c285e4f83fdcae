package org.porthole.e2e;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's Xvfb as the desktop a native viewer opens on, with {@code xdotool} as the user's hands.
 * Its screen is kept in a file ({@code -fbdir}, XWD format), which {@link #screenshot} turns into a
 * PNG.
 */
final class VirtualDisplay implements AutoCloseable {
  private static final Path XVFB = Path.of("/usr/bin/Xvfb");
  private static final Path XDOTOOL = Path.of("/usr/bin/xdotool");
  private static final Path SOCKETS = Path.of("/tmp/.X11-unix");
  private static final Duration START = Duration.ofSeconds(30);

  private final Process xvfb;
  private final String display;
  private final Path fbdir;

  private VirtualDisplay(Process xvfb, String display, Path fbdir) {
    this.xvfb = xvfb;
    this.display = display;
    this.fbdir = fbdir;
  }

  /** Starts a 1280x800 display on the first free number from 90. */
  static VirtualDisplay start(Path fbdir) throws IOException, InterruptedException {
    for (Path p : new Path[] {XVFB, XDOTOOL, Path.of("/usr/bin/remote-viewer")}) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            p + " is missing: apt-get install xvfb xdotool virt-viewer (./porthole test does)");
      }
    }
    int n = 90;
    while (Files.exists(SOCKETS.resolve("X" + n))
        || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
      n++;
    }
    Files.createDirectories(fbdir);
    Process p =
        new ProcessBuilder(
                XVFB.toString(),
                ":" + n,
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-fbdir",
                fbdir.toString())
            .redirectErrorStream(true)
            .redirectOutput(fbdir.resolve("xvfb.log").toFile())
            .start();
    Instant deadline = Instant.now().plus(START);
    while (!Files.exists(SOCKETS.resolve("X" + n))) {
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        p.destroyForcibly();
        throw new IOException(
            "Xvfb :" + n + " did not start: " + Files.readString(fbdir.resolve("xvfb.log")));
      }
      Thread.sleep(100);
    }
    return new VirtualDisplay(p, ":" + n, fbdir);
  }

  /** The {@code DISPLAY} value. */
  String display() {
    return display;
  }

  /** Runs {@code xdotool args…} on this display; answers its output. */
  String xdotool(Duration limit, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(XDOTOOL.toString()));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("DISPLAY", display);
    Process p = b.start();
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("xdotool " + String.join(" ", args) + " did not finish in " + limit);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new AssertionError("xdotool " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /**
   * The window named {@code title} of a program {@code viewer} started (its own process or a child,
   * by {@code _NET_WM_PID}), waiting for it to appear.
   */
  String awaitWindow(NativeViewer viewer, String title, Duration limit)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      for (long pid : viewer.programPids()) {
        String ids =
            xdotoolOrEmpty("search", "--onlyvisible", "--pid", Long.toString(pid), "--name", title);
        if (!ids.isEmpty()) {
          return ids.lines().findFirst().orElseThrow();
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no window '" + title + "' of the viewer within " + limit);
  }

  private String xdotoolOrEmpty(String... args) throws IOException, InterruptedException {
    try {
      return xdotool(Duration.ofSeconds(30), args);
    } catch (AssertionError nothingFound) {
      return "";
    }
  }

  /** Focuses {@code window} and types {@code text} followed by Return. */
  void type(String window, String text) throws IOException, InterruptedException {
    Duration step = Duration.ofSeconds(30);
    xdotool(step, "windowfocus", "--sync", window);
    xdotool(step, "type", "--delay", "60", text);
    xdotool(step, "key", "Return");
  }

  /** The whole screen as a PNG at {@code png}; answers how many pixels are not black. */
  long screenshot(Path png) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(fbdir.resolve("Xvfb_screen0")));
    int headerSize = b.getInt(0);
    int width = b.getInt(16);
    int height = b.getInt(20);
    int byteOrder = b.getInt(28);
    int bitsPerPixel = b.getInt(44);
    int bytesPerLine = b.getInt(48);
    int colors = b.getInt(76);
    if (bitsPerPixel != 32) {
      throw new IOException("expected 32 bits per pixel, the screen has " + bitsPerPixel);
    }
    b.order(byteOrder == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int data = headerSize + colors * 12;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    long lit = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = b.getInt(data + y * bytesPerLine + x * 4) & 0xffffff;
        image.setRGB(x, y, rgb);
        if (rgb != 0) {
          lit++;
        }
      }
    }
    Files.createDirectories(png.getParent());
    ImageIO.write(image, "png", png.toFile());
    return lit;
  }

  @Override
  public void close() {
    xvfb.destroy();
    try {
      if (!xvfb.waitFor(5, TimeUnit.SECONDS)) {
        xvfb.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
