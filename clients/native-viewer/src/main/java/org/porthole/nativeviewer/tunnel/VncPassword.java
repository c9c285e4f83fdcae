package org.porthole.nativeviewer.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-console password of the local tunnel: 8 random characters (VNC authentication uses
 * exactly 8), made for one console, handed to the viewer in its {@code .vv} on stdin and checked by
 * the tunnel with RFB's VNC authentication (DES of a random challenge, RFC 6143 7.2.2). It guards a
 * loopback port for a minute against other local users; it is not the VM's password, which no
 * client ever holds. {@link #toString()} never shows it.
 */
public final class VncPassword {
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final int LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;

  private VncPassword(String value) {
    this.value = value;
  }

  /** A fresh random password. */
  public static VncPassword random() {
    StringBuilder b = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return new VncPassword(b.toString());
  }

  /** A given password (tests). */
  public static VncPassword of(String value) {
    return new VncPassword(value);
  }

  /** The password itself, for the viewer's {@code .vv} or the {@code --proxy-only} output. */
  public String reveal() {
    return value;
  }

  /** A fresh 16-byte challenge. */
  public static byte[] challenge() {
    byte[] c = new byte[16];
    RANDOM.nextBytes(c);
    return c;
  }

  /** True when {@code response} answers {@code challenge} with this password (constant time). */
  public boolean accepts(byte[] challenge, byte[] response) {
    return MessageDigest.isEqual(response(challenge, value), response);
  }

  /** DES-encrypts the challenge with the password, each key byte bit-reversed (RFC 6143 7.2.2). */
  public static byte[] response(byte[] challenge, String password) {
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
      throw new IllegalStateException("DES is not available in this Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return "VncPassword[hidden]";
  }
}
