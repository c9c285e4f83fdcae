package org.porthole.testsupport.rfb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.link.UnixLink;

/**
 * The client side of RFB 3.8, as far as tests need it. Through Porthole a console must offer
 * security type None only (the host agent answered QEMU's challenge); straight to QEMU a client can
 * only try VNC Authentication with a password, or None if QEMU offered it. After the handshake:
 * ClientInit/ServerInit, a framebuffer request and typed keys; {@link RfbScreen#read} reads a whole
 * screen after {@link #direct}.
 */
public final class RfbClient {
  /** The RFB 3.8 ProtocolVersion (QEMU's, and the one the agent presents to its clients). */
  public static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  public static final int SECURITY_NONE = 1;
  public static final int SECURITY_VNC_AUTH = 2;

  /** The longest wait for any one step of the server; generous for a loaded machine. */
  private static final Duration STEP = Duration.ofSeconds(15);

  private static final byte KEY_EVENT = 4;
  private static final int KEYSYM_RETURN = 0xff0d;
  private static final int SERVER_INIT_FIXED_BYTES = 24;
  private static final int DES_KEY_BYTES = 8;

  /**
   * What the server said.
   *
   * @param offered the security types the server offered (empty when it refused at once)
   */
  public record Result(
      boolean authenticated, List<Integer> offered, int width, int height, String name) {
    static Result refused(List<Integer> offered) {
      return new Result(false, offered, 0, 0, "");
    }
  }

  private RfbClient() {}

  /**
   * A Porthole console, as noVNC opens it without any password: fails unless the server offers
   * exactly security None; then ClientInit (shared) and the ServerInit.
   */
  public static Result throughPorthole(ByteLink link) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (!offered.equals(List.of(SECURITY_NONE))) {
      throw new IOException("a Porthole console must offer only security None, offered " + offered);
    }
    link.write(new byte[] {SECURITY_NONE});
    return afterSecurity(link, offered);
  }

  /**
   * The security part of {@link #throughPorthole}: fails unless the server offers exactly None;
   * true when its SecurityResult is OK. {@link #clientInit} follows.
   */
  public static boolean noneHandshake(ByteLink link) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (!offered.equals(List.of(SECURITY_NONE))) {
      throw new IOException("a Porthole console must offer only security None, offered " + offered);
    }
    link.write(new byte[] {SECURITY_NONE});
    return securityResultOk(link);
  }

  /** Sends ClientInit (shared) and reads the ServerInit; returns the desktop name. */
  public static String clientInit(ByteLink link) throws IOException {
    return clientInit(link, true);
  }

  /**
   * Sends ClientInit with {@code shared} ({@code false}: asks for exclusive access, as
   * remote-viewer does by default) and reads the ServerInit; returns the desktop name.
   */
  public static String clientInit(ByteLink link, boolean shared) throws IOException {
    return serverInit(link, List.of(), shared).name();
  }

  /**
   * A direct login as an attacker tries it: VNC Authentication with {@code password} when the
   * server offers it, otherwise None when it offers that (a login without any password).
   */
  public static Result direct(ByteLink link, String password) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (offered.contains(SECURITY_VNC_AUTH)) {
      return vncAuth(link, offered, password);
    }
    if (offered.contains(SECURITY_NONE)) {
      link.write(new byte[] {SECURITY_NONE});
      return afterSecurity(link, offered);
    }
    return Result.refused(offered);
  }

  /**
   * VNC Authentication with {@code password}; true when the server accepted it (SecurityResult OK).
   * Sends nothing after that: the caller closes.
   *
   * @throws IOException when the server does not offer VNC Authentication
   */
  public static boolean tryPassword(ByteLink link, String password) throws IOException {
    List<Integer> offered = securityTypes(link);
    if (!offered.contains(SECURITY_VNC_AUTH)) {
      throw new IOException("the server does not offer VNC Authentication, offered " + offered);
    }
    sendResponse(link, password);
    return securityResultOk(link);
  }

  /** {@link #tryPassword(ByteLink, String)} straight to 127.0.0.1:{@code port}. */
  public static boolean tryPassword(int port, String password) throws IOException {
    try (TcpLink link = new TcpLink("127.0.0.1", port)) {
      return tryPassword(link, password);
    }
  }

  /** {@link #tryPassword(ByteLink, String)} straight to a unix socket. */
  public static boolean tryPassword(Path socket, String password) throws IOException {
    try (UnixLink link = new UnixLink(socket)) {
      return tryPassword(link, password);
    }
  }

  /**
   * Types {@code text} (letters and digits) and Return as KeyEvents, each key pressed and released:
   * what a viewer sends for keys typed on the guest's console.
   */
  public static void typeLine(ByteLink link, String text) throws IOException {
    for (char c : text.toCharArray()) {
      if (!Character.isLetterOrDigit(c) || c > 0x7e) {
        throw new IllegalArgumentException("type letters and digits only: keysym = character");
      }
      key(link, c);
    }
    key(link, KEYSYM_RETURN);
  }

  /**
   * Asks for the whole of a small area (non-incremental) and reads the answer's message type and
   * rectangle count: a console that shows the picture answers FramebufferUpdate (type 0).
   */
  public static int framebufferUpdate(ByteLink link) throws IOException {
    link.write(new byte[] {3, 0, 0, 0, 0, 0, 0, 8, 0, 8});
    byte[] header = link.read(4, STEP); // type, padding, rectangle count
    return header[0] & 0xff;
  }

  /**
   * VNC Authentication's response: DES over the 16-byte challenge, keyed with the password's first
   * 8 bytes each bit-reversed (RFB 7.2.2). Written apart from the agent's own code on purpose.
   */
  public static byte[] desResponse(byte[] challenge, String password) {
    byte[] key = new byte[DES_KEY_BYTES];
    byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < DES_KEY_BYTES && i < pw.length; i++) {
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

  private static Result vncAuth(ByteLink link, List<Integer> offered, String password)
      throws IOException {
    sendResponse(link, password);
    return afterSecurity(link, offered);
  }

  private static void sendResponse(ByteLink link, String password) throws IOException {
    link.write(new byte[] {SECURITY_VNC_AUTH});
    byte[] challenge = link.read(16, STEP);
    link.write(desResponse(challenge, password));
  }

  private static boolean securityResultOk(ByteLink link) throws IOException {
    return ByteBuffer.wrap(link.read(4, STEP)).getInt() == 0;
  }

  private static List<Integer> securityTypes(ByteLink link) throws IOException {
    String version = new String(link.read(BANNER.length, STEP), StandardCharsets.US_ASCII);
    if (!version.startsWith("RFB 003.")) {
      throw new IOException("not an RFB server: " + version.strip());
    }
    link.write(BANNER);
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
    if (!securityResultOk(link)) {
      return Result.refused(offered);
    }
    return serverInit(link, offered, true);
  }

  private static Result serverInit(ByteLink link, List<Integer> offered, boolean shared)
      throws IOException {
    link.write(new byte[] {(byte) (shared ? 1 : 0)}); // ClientInit
    ByteBuffer init = ByteBuffer.wrap(link.read(SERVER_INIT_FIXED_BYTES, STEP));
    int width = init.getShort(0) & 0xffff;
    int height = init.getShort(2) & 0xffff;
    int nameLength = init.getInt(20);
    String name = new String(link.read(nameLength, STEP), StandardCharsets.UTF_8);
    return new Result(true, offered, width, height, name);
  }

  private static void key(ByteLink link, int keysym) throws IOException {
    for (int down = 1; down >= 0; down--) {
      link.write(
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
}
