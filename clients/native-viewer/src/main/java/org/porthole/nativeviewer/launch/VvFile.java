package org.porthole.nativeviewer.launch;

/**
 * The {@code .vv} connection file that {@code remote-viewer -} reads from stdin (virt-viewer's
 * format, section {@code [virt-viewer]}): the tunnel's loopback address and password, the VM's name
 * as the title, the usual hotkeys, and {@code delete-this-file} so a copy saved by the viewer is
 * removed. It is never written to disk by Porthole.
 */
public final class VvFile {
  private VvFile() {}

  /** The file's text for a console of {@code vmName} at {@code host:port}. */
  public static String of(String vmName, String host, int port, String password) {
    return "[virt-viewer]\n"
        + "type=vnc\n"
        + "host="
        + host
        + "\n"
        + "port="
        + port
        + "\n"
        + "password="
        + password
        + "\n"
        + "title="
        + title(vmName)
        + "\n"
        + "delete-this-file=1\n"
        + "release-cursor=shift+f12\n"
        + "toggle-fullscreen=shift+f11\n"
        + "secure-attention=ctrl+alt+end\n";
  }

  /** The window title: the VM's name on one line, {@code %} escaped (virt-viewer expands it). */
  static String title(String vmName) {
    String oneLine = vmName.replaceAll("[\\p{Cntrl}]", "?").replace("%", "%%");
    return oneLine + " - Porthole";
  }
}
