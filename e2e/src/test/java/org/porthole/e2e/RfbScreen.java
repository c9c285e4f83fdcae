package org.porthole.e2e;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * A whole screen as 0xRRGGBB pixels: read over RFB (VNC authentication, raw encoding, one full
 * update), or from the file {@code virsh screenshot} writes (PNG or PPM).
 */
record RfbScreen(int width, int height, int[] pixels) {
  private static final int READ_TIMEOUT_MS = 30_000;

  /** Logs in to the VNC server at {@code port} with {@code password} and reads one full frame. */
  static RfbScreen read(int port, String password) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(READ_TIMEOUT_MS);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      in.readFully(new byte[12]);
      out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
      byte[] types = new byte[in.readUnsignedByte()];
      in.readFully(types);
      out.write(RfbClient.SECURITY_VNC_AUTH);
      byte[] challenge = new byte[16];
      in.readFully(challenge);
      out.write(RfbClient.desResponse(challenge, password));
      if (in.readInt() != 0) {
        throw new IOException("VNC authentication failed");
      }
      out.write(1); // ClientInit: shared
      int width = in.readUnsignedShort();
      int height = in.readUnsignedShort();
      in.readFully(new byte[16]); // server pixel format
      in.readFully(new byte[in.readInt()]); // name
      out.write(setPixelFormat());
      out.write(new byte[] {2, 0, 0, 1, 0, 0, 0, 0}); // SetEncodings: raw
      ByteBuffer request = ByteBuffer.allocate(10);
      request.put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0);
      request.putShort((short) width).putShort((short) height);
      out.write(request.array());
      out.flush();
      return new RfbScreen(width, height, frame(in, width, height));
    }
  }

  /**
   * Logs in to the VNC server at {@code port} with {@code password} and keeps the console open
   * after its ServerInit (the caller closes the socket).
   */
  static Socket hold(int port, String password) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(READ_TIMEOUT_MS);
    DataInputStream in = new DataInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    in.readFully(new byte[12]);
    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    in.readFully(new byte[in.readUnsignedByte()]);
    out.write(RfbClient.SECURITY_VNC_AUTH);
    byte[] challenge = new byte[16];
    in.readFully(challenge);
    out.write(RfbClient.desResponse(challenge, password));
    if (in.readInt() != 0) {
      s.close();
      throw new IOException("VNC authentication failed");
    }
    out.write(1);
    in.readFully(new byte[20]);
    in.readFully(new byte[in.readInt()]);
    return s;
  }

  /** 32 bits per pixel, depth 24, little-endian, true colour, red at 16, green 8, blue 0. */
  private static byte[] setPixelFormat() {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.put((byte) 0).put(new byte[3]);
    b.put((byte) 32).put((byte) 24).put((byte) 0).put((byte) 1);
    b.putShort((short) 255).putShort((short) 255).putShort((short) 255);
    b.put((byte) 16).put((byte) 8).put((byte) 0).put(new byte[3]);
    return b.array();
  }

  private static int[] frame(DataInputStream in, int width, int height) throws IOException {
    int[] pixels = new int[width * height];
    long covered = 0;
    while (covered < (long) width * height) {
      int type = in.readUnsignedByte();
      switch (type) {
        case 0 -> covered += update(in, pixels, width);
        case 2 -> {} // bell
        case 3 -> {
          in.readFully(new byte[3]);
          in.readFully(new byte[in.readInt()]);
        }
        default -> throw new IOException("unexpected server message " + type);
      }
    }
    return pixels;
  }

  private static long update(DataInputStream in, int[] pixels, int width) throws IOException {
    in.readUnsignedByte();
    int rects = in.readUnsignedShort();
    long covered = 0;
    for (int r = 0; r < rects; r++) {
      int x = in.readUnsignedShort();
      int y = in.readUnsignedShort();
      int w = in.readUnsignedShort();
      int h = in.readUnsignedShort();
      int encoding = in.readInt();
      if (encoding != 0) {
        throw new IOException("asked for raw only, got encoding " + encoding);
      }
      byte[] raw = new byte[w * h * 4];
      in.readFully(raw);
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
          pixels[(y + row) * width + x + col] = b.getInt() & 0xffffff;
        }
      }
      covered += (long) w * h;
    }
    return covered;
  }

  /** A screenshot as {@code virsh screenshot} writes it: PNG, or a binary PPM (P6) from QEMU. */
  static RfbScreen image(Path file) throws IOException {
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
        pixels[y * image.getWidth() + x] = image.getRGB(x, y) & 0xffffff;
      }
    }
    return new RfbScreen(image.getWidth(), image.getHeight(), pixels);
  }

  private static RfbScreen ppm(byte[] bytes) {
    int[] pos = {0};
    token(bytes, pos); // P6
    int width = Integer.parseInt(token(bytes, pos));
    int height = Integer.parseInt(token(bytes, pos));
    token(bytes, pos); // maxval
    int p = pos[0] + 1;
    int[] pixels = new int[width * height];
    for (int i = 0; i < pixels.length; i++, p += 3) {
      pixels[i] = (bytes[p] & 0xff) << 16 | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff);
    }
    return new RfbScreen(width, height, pixels);
  }

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

  /**
   * The smallest box holding every pixel that differs from {@code other} ({x, y, w, h}; w = 0 when
   * none differs).
   */
  int[] differenceBox(RfbScreen other) {
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
  long litPixels() {
    long n = 0;
    for (int p : pixels) {
      if (p != 0) {
        n++;
      }
    }
    return n;
  }
}
