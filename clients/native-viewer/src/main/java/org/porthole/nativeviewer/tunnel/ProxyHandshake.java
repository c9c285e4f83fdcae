package org.porthole.nativeviewer.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The tunnel's RFB client half toward the console: version 3.8 and security type None, the only
 * type a Porthole console offers (the host agent answered QEMU's own challenge). After it the local
 * viewer's ClientInit and everything else pass through unchanged.
 */
public final class ProxyHandshake {
  private static final int SECURITY_NONE = 1;

  private ProxyHandshake() {}

  /** Runs the handshake; fails with the server's words when the console is not offered. */
  public static void run(ProxyConnection console) throws IOException, InterruptedException {
    String version = new String(console.readFully(12), StandardCharsets.US_ASCII);
    if (!version.startsWith("RFB 003.")) {
      throw new IOException("the console did not start with an RFB version");
    }
    console.write(
        LocalGate.VERSION_38.getBytes(StandardCharsets.US_ASCII), 0, LocalGate.VERSION_38.length());
    int count = console.readFully(1)[0] & 0xff;
    if (count == 0) {
      throw new IOException("the console refused the connection: " + reason(console));
    }
    boolean none = false;
    for (byte type : console.readFully(count)) {
      none |= (type & 0xff) == SECURITY_NONE;
    }
    if (!none) {
      throw new IOException("the console did not offer security type None");
    }
    console.write(new byte[] {SECURITY_NONE}, 0, 1);
    int result = ByteBuffer.wrap(console.readFully(4)).getInt();
    if (result != 0) {
      throw new IOException("the console refused the connection: " + reason(console));
    }
  }

  /**
   * Passes the viewer's ClientInit on as shared: a native viewer asks for an exclusive session by
   * default (remote-viewer does), which would make QEMU drop every other console of the VM;
   * Porthole decides who holds a console (takeover), not the viewer.
   */
  public static void shareClientInit(java.net.Socket viewer, ProxyConnection console)
      throws IOException {
    if (viewer.getInputStream().read() < 0) {
      throw new IOException("the viewer closed before its ClientInit");
    }
    console.write(new byte[] {1}, 0, 1);
  }

  private static String reason(ProxyConnection console) throws IOException, InterruptedException {
    int length = ByteBuffer.wrap(console.readFully(4)).getInt();
    if (length < 0 || length > 1024) {
      return "(no reason)";
    }
    return new String(console.readFully(length), StandardCharsets.UTF_8)
        .replaceAll("\\p{Cntrl}", "?");
  }
}
