package org.porthole.nativeviewer.tunnel;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The tunnel's RFB server half toward the local viewer: it speaks RFB 3.8 (or 3.7) and offers only
 * VNC authentication, with this console's {@link VncPassword}. A connection that does not answer
 * the challenge with that password is told so and closed before any byte of the VM is read. Runs on
 * the accepting thread; the socket's read timeout bounds every step.
 */
final class LocalGate {
  static final String VERSION_38 = "RFB 003.008\n";
  private static final String VERSION_37 = "RFB 003.007\n";
  private static final int SECURITY_VNC_AUTH = 2;

  private LocalGate() {}

  /**
   * Runs the handshake up to SecurityResult; true when the client proved it holds {@code password}.
   * The caller closes the socket when false.
   */
  static boolean admit(Socket socket, VncPassword password) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    out.write(VERSION_38.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] version = new byte[12];
    in.readFully(version);
    String v = new String(version, StandardCharsets.US_ASCII);
    boolean v38 = VERSION_38.equals(v);
    if (!v38 && !VERSION_37.equals(v)) {
      return false;
    }
    out.write(new byte[] {1, SECURITY_VNC_AUTH});
    out.flush();
    if (in.readUnsignedByte() != SECURITY_VNC_AUTH) {
      return false;
    }
    byte[] challenge = VncPassword.challenge();
    out.write(challenge);
    out.flush();
    byte[] response = new byte[16];
    in.readFully(response);
    boolean ok = password.accepts(challenge, response);
    out.write(ByteBuffer.allocate(4).putInt(ok ? 0 : 1).array());
    if (!ok && v38) {
      byte[] reason = "wrong password for this console".getBytes(StandardCharsets.US_ASCII);
      out.write(ByteBuffer.allocate(4).putInt(reason.length).array());
      out.write(reason);
    }
    out.flush();
    return ok;
  }
}
