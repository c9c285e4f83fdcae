package org.porthole.hostagent;

import java.io.ByteArrayOutputStream;

/** Byte arrays for protocol tests: written as int literals, joined in order. */
public final class TestBytes {
  private TestBytes() {}

  /** Each value's low byte, in order. */
  public static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** The parts one after another. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
