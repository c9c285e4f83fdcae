package org.porthole.hostagent;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The smallest RFB 3.8 client: the handshake a relay's client does (security None, offered by the
 * agent), the one that proves a VNC password straight to QEMU (security type 2, DES over the
 * 16-byte challenge with bit-reversed key bytes), and ClientInit/ServerInit. Test code only.
 */
public final class RfbClient {
  private static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  private static final int VNC_AUTH = 2;
  private static final int SECURITY_NONE = 1;
  private static final int TIMEOUT_MS = 10_000;
  private static final byte KEY_EVENT = 4;
  private static final int KEYSYM_RETURN = 0xff0d;

  private RfbClient() {}

  /** Connects straight to QEMU on 127.0.0.1:port and tries the password. */
  static boolean tryPassword(int port, String password) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(TIMEOUT_MS);
      return authenticate(s.getInputStream(), s.getOutputStream(), password);
    }
  }

  /**
   * The handshake with the agent's relay: RFB 3.8 and security type None, the only one it offers.
   * True when the SecurityResult is OK.
   */
  public static boolean noneHandshake(InputStream input, OutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(input);
    byte[] version = new byte[12];
    in.readFully(version);
    if (!new String(version, StandardCharsets.US_ASCII).equals("RFB 003.008\n")) {
      throw new IOException("the relay does not offer RFB 3.8");
    }
    out.write(VERSION);
    out.flush();
    int count = in.readUnsignedByte();
    if (count != 1 || in.readUnsignedByte() != SECURITY_NONE) {
      throw new IOException("the relay offers something other than security None alone");
    }
    out.write(SECURITY_NONE);
    out.flush();
    return in.readInt() == 0;
  }

  /** Connects straight to QEMU's unix socket and tries the password. */
  static boolean tryPasswordOnSocket(java.nio.file.Path socket, String password)
      throws IOException {
    try (java.nio.channels.SocketChannel c =
        java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      c.connect(java.net.UnixDomainSocketAddress.of(socket));
      return authenticate(
          java.nio.channels.Channels.newInputStream(c),
          java.nio.channels.Channels.newOutputStream(c),
          password);
    }
  }

  /** Runs the handshake; true when the server accepted the password. */
  public static boolean authenticate(InputStream input, OutputStream out, String password)
      throws IOException {
    DataInputStream in = new DataInputStream(input);
    byte[] version = new byte[12];
    in.readFully(version);
    if (!new String(version, StandardCharsets.US_ASCII).startsWith("RFB 003.")) {
      throw new IOException("not an RFB server");
    }
    out.write(VERSION);
    out.flush();
    int count = in.readUnsignedByte();
    if (count == 0) {
      throw new IOException("server refused the connection: " + reason(in));
    }
    boolean offered = false;
    for (int i = 0; i < count; i++) {
      offered |= in.readUnsignedByte() == VNC_AUTH;
    }
    if (!offered) {
      throw new IOException("server does not offer VNC password authentication");
    }
    out.write(VNC_AUTH);
    byte[] challenge = new byte[16];
    in.readFully(challenge);
    out.write(desResponse(challenge, password));
    out.flush();
    return in.readInt() == 0;
  }

  /** Sends ClientInit (shared) and reads ServerInit; returns the desktop name. */
  public static String clientInit(InputStream input, OutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(input);
    out.write(1);
    out.flush();
    in.readUnsignedShort(); // width
    in.readUnsignedShort(); // height
    in.readFully(new byte[16]); // pixel format
    byte[] name = new byte[in.readInt()];
    in.readFully(name);
    return new String(name, StandardCharsets.UTF_8);
  }

  /**
   * Types {@code text} (letters and digits) and Return as RFB KeyEvents, each key pressed and
   * released: what a viewer sends for keys typed on the guest's console.
   */
  static void typeLine(OutputStream out, String text) throws IOException {
    for (char c : text.toCharArray()) {
      if (!Character.isLetterOrDigit(c) || c > 0x7e) {
        throw new IllegalArgumentException("type letters and digits only: keysym = character");
      }
      key(out, c);
    }
    key(out, KEYSYM_RETURN);
    out.flush();
  }

  private static void key(OutputStream out, int keysym) throws IOException {
    for (int down = 1; down >= 0; down--) {
      out.write(
          new byte[] {
            KEY_EVENT,
            (byte) down,
            0,
            0,
            (byte) (keysym >>> 24),
            (byte) (keysym >>> 16),
            (byte) (keysym >>> 8),
            (byte) keysym
          });
    }
  }

  /**
   * Asks for the whole of a small area (non-incremental) and reads the answer's message type and
   * rectangle count: a console that shows the picture answers FramebufferUpdate (type 0).
   */
  static int framebufferUpdate(InputStream input, OutputStream out) throws IOException {
    out.write(new byte[] {3, 0, 0, 0, 0, 0, 0, 8, 0, 8});
    out.flush();
    DataInputStream in = new DataInputStream(input);
    int type = in.readUnsignedByte();
    in.readUnsignedByte(); // padding
    in.readUnsignedShort(); // rectangles
    return type;
  }

  /** VNC Authentication's response, written apart from the agent's own code on purpose. */
  public static byte[] desResponse(byte[] challenge, String password) {
    byte[] key = new byte[8];
    byte[] pw = password.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < key.length && i < pw.length; i++) {
      key[i] = (byte) (Integer.reverse(pw[i] & 0xff) >>> 24);
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DES is not available", e);
    }
  }

  private static String reason(DataInputStream in) throws IOException {
    byte[] r = new byte[Math.min(in.readInt(), 4096)];
    in.readFully(r);
    return new String(r, StandardCharsets.UTF_8);
  }
}
