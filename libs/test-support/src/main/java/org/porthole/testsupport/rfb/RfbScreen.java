package org.porthole.testsupport.rfb;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.porthole.testsupport.link.ByteLink;

/**
 * A whole screen as 0xRRGGBB pixels, row by row: read over RFB (raw encoding, one full update) once
 * {@link RfbClient} has logged in, or from the file {@code virsh screenshot} writes (PNG or PPM),
 * so a test can compare what a console shows with what the VM shows.
 *
 * @param width in pixels
 * @param height in pixels
 * @param pixels {@code width * height} values 0xRRGGBB, the top row first
 */
public record RfbScreen(int width, int height, int[] pixels) {
  /** The longest wait for any one part of the frame: a whole screen is megabytes of raw pixels. */
  private static final Duration FRAME_STEP = Duration.ofSeconds(30);

  private static final byte SET_PIXEL_FORMAT = 0;
  private static final byte SET_ENCODINGS = 2;
  private static final byte FRAMEBUFFER_UPDATE_REQUEST = 3;
  private static final int FRAMEBUFFER_UPDATE = 0;
  private static final int BELL = 2;
  private static final int SERVER_CUT_TEXT = 3;
  private static final int ENCODING_RAW = 0;
  private static final int BYTES_PER_PIXEL = 4;
  private static final int RECTANGLE_HEADER_BYTES = 12;
  private static final int RGB_MASK = 0xffffff;

  /**
   * Reads one full frame from a console {@code session} has logged in to (its ServerInit gave the
   * size): asks for 32-bit true colour and raw encoding only, requests the whole screen
   * (non-incremental) and reads updates until every pixel was covered.
   *
   * @throws IOException when the login was refused, the server sends another encoding or a message
   *     a frame read does not expect, or the link fails
   */
  public static RfbScreen read(ByteLink link, RfbClient.Result session) throws IOException {
    if (!session.authenticated()) {
      throw new IOException(
          "the server refused the login (security types offered " + session.offered() + ")");
    }
    int width = session.width();
    int height = session.height();
    link.write(setPixelFormat());
    ByteBuffer encodings = ByteBuffer.allocate(8); // one encoding: raw
    encodings.put(SET_ENCODINGS).put((byte) 0).putShort((short) 1).putInt(ENCODING_RAW);
    link.write(encodings.array());
    ByteBuffer request = ByteBuffer.allocate(10);
    request.put(FRAMEBUFFER_UPDATE_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) 0);
    request.putShort((short) width).putShort((short) height);
    link.write(request.array());
    return new RfbScreen(width, height, frame(link, width, height));
  }

  /** A screenshot as {@code virsh screenshot} writes it: PNG, or a binary PPM (P6) from QEMU. */
  public static RfbScreen image(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length > 2 && bytes[0] == 'P' && bytes[1] == '6') {
      return ppm(bytes);
    }
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException("neither PNG nor PPM: " + file);
    }
    int[] pixels = new int[image.getWidth() * image.getHeight()];
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        pixels[y * image.getWidth() + x] = image.getRGB(x, y) & RGB_MASK;
      }
    }
    return new RfbScreen(image.getWidth(), image.getHeight(), pixels);
  }

  /**
   * The smallest box holding every pixel that differs from {@code other}, a screen of the same
   * size: {x, y, w, h}, w = 0 when none differs.
   */
  public int[] differenceBox(RfbScreen other) {
    int minX = width;
    int minY = height;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (pixels[y * width + x] != other.pixels[y * width + x]) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return maxX < 0
        ? new int[] {0, 0, 0, 0}
        : new int[] {minX, minY, maxX - minX + 1, maxY - minY + 1};
  }

  /** How many pixels are not black: a screen with something drawn on it. */
  public long litPixels() {
    long n = 0;
    for (int p : pixels) {
      if (p != 0) {
        n++;
      }
    }
    return n;
  }

  /** 32 bits per pixel, depth 24, little-endian, true colour, red at 16, green 8, blue 0. */
  private static byte[] setPixelFormat() {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.put(SET_PIXEL_FORMAT).put(new byte[3]);
    b.put((byte) 32).put((byte) 24).put((byte) 0).put((byte) 1);
    b.putShort((short) 255).putShort((short) 255).putShort((short) 255);
    b.put((byte) 16).put((byte) 8).put((byte) 0).put(new byte[3]);
    return b.array();
  }

  private static int[] frame(ByteLink link, int width, int height) throws IOException {
    int[] pixels = new int[width * height];
    long covered = 0;
    while (covered < (long) width * height) {
      int type = link.read(1, FRAME_STEP)[0] & 0xff;
      switch (type) {
        case FRAMEBUFFER_UPDATE -> covered += update(link, pixels, width, height);
        case BELL -> {}
        case SERVER_CUT_TEXT -> skip(link, ByteBuffer.wrap(link.read(7, FRAME_STEP)).getInt(3));
        default -> throw new IOException("unexpected server message " + type);
      }
    }
    return pixels;
  }

  /** One FramebufferUpdate after its type byte; returns the pixels its rectangles covered. */
  private static long update(ByteLink link, int[] pixels, int width, int height)
      throws IOException {
    int rects = ByteBuffer.wrap(link.read(3, FRAME_STEP)).getShort(1) & 0xffff; // padding, count
    long covered = 0;
    for (int r = 0; r < rects; r++) {
      ByteBuffer header = ByteBuffer.wrap(link.read(RECTANGLE_HEADER_BYTES, FRAME_STEP));
      int x = header.getShort(0) & 0xffff;
      int y = header.getShort(2) & 0xffff;
      int w = header.getShort(4) & 0xffff;
      int h = header.getShort(6) & 0xffff;
      int encoding = header.getInt(8);
      if (encoding != ENCODING_RAW) {
        throw new IOException("asked for raw only, got encoding " + encoding);
      }
      if (x + w > width || y + h > height) {
        throw new IOException(
            "rectangle " + w + "x" + h + " at " + x + "," + y + " outside " + width + "x" + height);
      }
      if (w == 0 || h == 0) {
        continue;
      }
      ByteBuffer b =
          ByteBuffer.wrap(link.read(w * h * BYTES_PER_PIXEL, FRAME_STEP))
              .order(ByteOrder.LITTLE_ENDIAN);
      for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
          pixels[(y + row) * width + x + col] = b.getInt() & RGB_MASK;
        }
      }
      covered += (long) w * h;
    }
    return covered;
  }

  /** Reads and drops {@code n} bytes (none when {@code n} is 0: some streams block on that). */
  private static void skip(ByteLink link, int n) throws IOException {
    if (n < 0) {
      throw new IOException("negative length " + n);
    }
    if (n > 0) {
      link.read(n, FRAME_STEP);
    }
  }

  private static RfbScreen ppm(byte[] bytes) {
    int[] pos = {0};
    token(bytes, pos); // P6
    int width = Integer.parseInt(token(bytes, pos));
    int height = Integer.parseInt(token(bytes, pos));
    token(bytes, pos); // maxval
    int p = pos[0] + 1; // one whitespace byte, then the pixels
    int[] pixels = new int[width * height];
    for (int i = 0; i < pixels.length; i++, p += 3) {
      pixels[i] = (bytes[p] & 0xff) << 16 | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff);
    }
    return new RfbScreen(width, height, pixels);
  }

  /** The next whitespace-separated token of a PPM header from {@code pos[0]}, skipping comments. */
  private static String token(byte[] bytes, int[] pos) {
    int p = pos[0];
    while (Character.isWhitespace(bytes[p]) || bytes[p] == '#') {
      if (bytes[p] == '#') {
        while (bytes[p] != '\n') {
          p++;
        }
      }
      p++;
    }
    int start = p;
    while (!Character.isWhitespace(bytes[p])) {
      p++;
    }
    pos[0] = p;
    return new String(bytes, start, p - start, StandardCharsets.US_ASCII);
  }
}
