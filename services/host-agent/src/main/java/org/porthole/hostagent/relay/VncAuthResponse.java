package org.porthole.hostagent.relay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFB's VNC Authentication response (RFC 6143, 7.2.2): the 16-byte challenge encrypted with DES in
 * ECB mode, keyed by the password's first 8 bytes (zero-padded) with the bits of each byte
 * reversed, as every VNC implementation does.
 */
final class VncAuthResponse {
  static final int CHALLENGE_BYTES = 16;
  private static final int KEY_BYTES = 8;

  private VncAuthResponse() {}

  /** The response to {@code challenge} for {@code password} (printable ASCII, ≤ 8 characters). */
  static byte[] of(String password, byte[] challenge) {
    if (challenge.length != CHALLENGE_BYTES) {
      throw new IllegalArgumentException("a VNC challenge has 16 bytes");
    }
    byte[] key = Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), KEY_BYTES);
    for (int i = 0; i < KEY_BYTES; i++) {
      key[i] = (byte) (Integer.reverse(key[i] & 0xff) >>> 24);
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no DES/ECB/NoPadding", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
