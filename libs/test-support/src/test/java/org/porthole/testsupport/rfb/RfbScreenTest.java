package org.porthole.testsupport.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.testsupport.link.ByteLink;

class RfbScreenTest {
  private static final RfbClient.Result LOGGED_IN_2X2 =
      new RfbClient.Result(true, List.of(RfbClient.SECURITY_VNC_AUTH), 2, 2, "vm");

  @TempDir Path dir;

  @Test
  void asksForRawTrueColourAndReadsUpdatesUntilTheScreenIsCovered() throws Exception {
    ByteArrayOutputStream server = new ByteArrayOutputStream();
    server.writeBytes(new byte[] {2}); // Bell
    server.writeBytes(new byte[] {0, 0, 0, 1}); // FramebufferUpdate, one rectangle
    server.writeBytes(rectangle(0, 0, 2, 1, 0, 0x112233, 0x445566));
    server.writeBytes(new byte[] {0, 0, 0, 1});
    server.writeBytes(rectangle(0, 1, 2, 1, 0, 0, 0x778899));
    ByteArrayOutputStream client = new ByteArrayOutputStream();
    ByteLink link = ByteLink.of(new ByteArrayInputStream(server.toByteArray()), client);

    RfbScreen screen = RfbScreen.read(link, LOGGED_IN_2X2);

    assertThat(screen.pixels()).containsExactly(0x112233, 0x445566, 0, 0x778899);
    assertThat(screen.litPixels()).isEqualTo(3);
    byte[] sent = client.toByteArray();
    assertThat(Arrays.copyOfRange(sent, 0, 20))
        .as("SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, RGB at 16/8/0")
        .containsExactly(0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0);
    assertThat(Arrays.copyOfRange(sent, 20, sent.length))
        .as("SetEncodings raw only, then a non-incremental request for the whole 2x2 screen")
        .containsExactly(2, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 2, 0, 2);
  }

  @Test
  void refusesToReadWithoutALogin() {
    ByteLink link = ByteLink.of(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
    RfbClient.Result refused =
        new RfbClient.Result(false, List.of(RfbClient.SECURITY_VNC_AUTH), 0, 0, "");

    assertThatThrownBy(() -> RfbScreen.read(link, refused))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refused the login");
  }

  @Test
  void rejectsAnEncodingItDidNotAskFor() {
    ByteArrayOutputStream server = new ByteArrayOutputStream();
    server.writeBytes(new byte[] {0, 0, 0, 1});
    server.writeBytes(rectangle(0, 0, 2, 2, 7));
    ByteLink link =
        ByteLink.of(new ByteArrayInputStream(server.toByteArray()), new ByteArrayOutputStream());

    assertThatThrownBy(() -> RfbScreen.read(link, LOGGED_IN_2X2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("encoding 7");
  }

  @Test
  void readsQemusPpmScreenshotPastItsComment() throws Exception {
    Path shot = dir.resolve("screen.ppm");
    ByteArrayOutputStream ppm = new ByteArrayOutputStream();
    ppm.writeBytes("P6\n# CREATOR: QEMU\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII));
    ppm.writeBytes(new byte[] {0x11, 0x22, 0x33, 0, 0, 0});
    Files.write(shot, ppm.toByteArray());

    RfbScreen screen = RfbScreen.image(shot);

    assertThat(new int[] {screen.width(), screen.height()}).containsExactly(2, 1);
    assertThat(screen.pixels()).containsExactly(0x112233, 0);
  }

  @Test
  void readsAPngScreenshot() throws Exception {
    Path shot = dir.resolve("screen.png");
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(1, 0, 0x445566);
    ImageIO.write(image, "png", shot.toFile());

    RfbScreen screen = RfbScreen.image(shot);

    assertThat(new int[] {screen.width(), screen.height()}).containsExactly(2, 1);
    assertThat(screen.pixels()).containsExactly(0, 0x445566);
  }

  @Test
  void differenceBoxHoldsEveryDifferingPixel() {
    RfbScreen blank = new RfbScreen(3, 2, new int[6]);
    RfbScreen marked = new RfbScreen(3, 2, new int[] {0, 1, 0, 0, 0, 1});

    assertThat(blank.differenceBox(marked)).containsExactly(1, 0, 2, 2);
    assertThat(blank.differenceBox(blank)).containsExactly(0, 0, 0, 0);
  }

  /** A rectangle header and its pixels in the pixel format the screen asks for. */
  private static byte[] rectangle(int x, int y, int w, int h, int encoding, int... rgb) {
    ByteBuffer b = ByteBuffer.allocate(12 + rgb.length * 4);
    b.putShort((short) x).putShort((short) y).putShort((short) w).putShort((short) h);
    b.putInt(encoding);
    b.order(ByteOrder.LITTLE_ENDIAN);
    for (int p : rgb) {
      b.putInt(p);
    }
    return b.array();
  }
}
