package org.porthole.token;

import java.util.Base64;

/** Unpadded base64url as JWS uses it, decoded strictly: one canonical spelling per byte string. */
final class Base64Url {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {}

  static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /**
   * Decodes unpadded base64url; refuses padding, whitespace, characters outside the url-safe
   * alphabet and non-canonical trailing bits.
   *
   * @throws IllegalArgumentException when {@code text} is not canonical unpadded base64url
   */
  static byte[] decode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw new IllegalArgumentException("not base64url");
      }
    }
    if (text.length() % 4 == 1) {
      throw new IllegalArgumentException("bad base64url length");
    }
    byte[] bytes = DECODER.decode(text);
    if (!ENCODER.encodeToString(bytes).equals(text)) {
      throw new IllegalArgumentException("non-canonical base64url");
    }
    return bytes;
  }
}
