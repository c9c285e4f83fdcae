package org.porthole.stack;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets for the one-machine stack (database password, demo VM's initial VNC password). */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** {@code bytes} random bytes as unpadded base64url. */
  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
