package org.porthole.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/** The client side of RFB 3.8 with VNC authentication, as noVNC performs it. */
final class VncHandshake {
  private static final Duration STEP = Duration.ofSeconds(15);
  private static final int SECURITY_VNC_AUTH = 2;

  /** What the server said after the password. */
  record Result(boolean authenticated, int width, int height, String name) {}

  private VncHandshake() {}

  static Result run(ByteLink link, String password) throws IOException {
    String version = new String(link.read(12, STEP), StandardCharsets.US_ASCII);
    if (!version.startsWith("RFB 003.")) {
      throw new IOException("not an RFB server: " + version.strip());
    }
    link.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    int count = link.read(1, STEP)[0] & 0xff;
    if (count == 0) {
      throw new IOException("server refused the connection before security negotiation");
    }
    byte[] types = link.read(count, STEP);
    if (!contains(types, SECURITY_VNC_AUTH)) {
      throw new IOException("server does not offer VNC authentication (password not set on the domain?)");
    }
    link.write(new byte[] {SECURITY_VNC_AUTH});
    byte[] challenge = link.read(16, STEP);
    link.write(respond(challenge, password));
    int result = ByteBuffer.wrap(link.read(4, STEP)).getInt();
    if (result != 0) {
      return new Result(false, 0, 0, "");
    }
    link.write(new byte[] {1}); // ClientInit: shared
    ByteBuffer init = ByteBuffer.wrap(link.read(24, STEP));
    int width = init.getShort(0) & 0xffff;
    int height = init.getShort(2) & 0xffff;
    int nameLength = init.getInt(20);
    String name = new String(link.read(nameLength, STEP), StandardCharsets.UTF_8);
    return new Result(true, width, height, name);
  }

  /** DES-encrypts the challenge with the password, each key byte bit-reversed (RFB 7.2.2). */
  static byte[] respond(byte[] challenge, String password) throws IOException {
    byte[] key = new byte[8];
    byte[] pw = password.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 8 && i < pw.length; i++) {
      key[i] = (byte) (Integer.reverse(pw[i] & 0xff) >>> 24);
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IOException("DES unavailable", e);
    }
  }

  private static boolean contains(byte[] types, int wanted) {
    for (byte t : types) {
      if ((t & 0xff) == wanted) {
        return true;
      }
    }
    return false;
  }
}
