package org.porthole.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of RFB 3.8. Through Porthole the console must be offered security type None only
 * (the host agent answered QEMU's challenge); straight to QEMU an attacker can only try VNC
 * authentication with a password it guessed, or None if QEMU offered it.
 */
final class VncHandshake {
  private static final Duration STEP = Duration.ofSeconds(15);
  static final int SECURITY_NONE = 1;
  static final int SECURITY_VNC_AUTH = 2;

  /**
   * What the server said.
   *
   * @param offered the security types the server offered (empty when it refused at once)
   */
  record Result(boolean authenticated, List<Integer> offered, int width, int height, String name) {
    static Result refused(List<Integer> offered) {
      return new Result(false, offered, 0, 0, "");
    }
  }

  private VncHandshake() {}

  /**
   * A Porthole console, as noVNC opens it without any password: fails unless the server offers
   * exactly security None and then sends its ServerInit.
   */
  static Result throughPorthole(ByteLink link) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (!offered.equals(List.of(SECURITY_NONE))) {
      throw new IOException("a Porthole console must offer only security None, offered " + offered);
    }
    link.write(new byte[] {SECURITY_NONE});
    return afterSecurity(link, offered);
  }

  /**
   * A direct login as an attacker tries it: VNC authentication with {@code password} when QEMU
   * offers it, otherwise None when QEMU offers that (a login without any password).
   */
  static Result direct(ByteLink link, String password) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (offered.contains(SECURITY_VNC_AUTH)) {
      link.write(new byte[] {SECURITY_VNC_AUTH});
      byte[] challenge = link.read(16, STEP);
      link.write(respond(challenge, password));
      return afterSecurity(link, offered);
    }
    if (offered.contains(SECURITY_NONE)) {
      link.write(new byte[] {SECURITY_NONE});
      return afterSecurity(link, offered);
    }
    return Result.refused(offered);
  }

  private static List<Integer> securityTypes(ByteLink link) throws IOException {
    String version = new String(link.read(12, STEP), StandardCharsets.US_ASCII);
    if (!version.startsWith("RFB 003.")) {
      throw new IOException("not an RFB server: " + version.strip());
    }
    link.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    int count = link.read(1, STEP)[0] & 0xff;
    List<Integer> offered = new ArrayList<>();
    if (count == 0) {
      return offered;
    }
    for (byte t : link.read(count, STEP)) {
      offered.add(t & 0xff);
    }
    return offered;
  }

  private static Result afterSecurity(ByteLink link, List<Integer> offered) throws IOException {
    int result = ByteBuffer.wrap(link.read(4, STEP)).getInt();
    if (result != 0) {
      return Result.refused(offered);
    }
    link.write(new byte[] {1}); // ClientInit: shared
    ByteBuffer init = ByteBuffer.wrap(link.read(24, STEP));
    int width = init.getShort(0) & 0xffff;
    int height = init.getShort(2) & 0xffff;
    int nameLength = init.getInt(20);
    String name = new String(link.read(nameLength, STEP), StandardCharsets.UTF_8);
    return new Result(true, offered, width, height, name);
  }

  /** DES-encrypts the challenge with the password, each key byte bit-reversed (RFB 7.2.2). */
  static byte[] respond(byte[] challenge, String password) throws IOException {
    byte[] key = new byte[8];
    byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
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
}
