package org.porthole.stack.libvirt;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.OsUser;
import org.porthole.stack.host.Sleep;

/** The local libvirt daemon: checked, and started when we are root and it is not running. */
public final class Libvirt {
  /** The connection URI every part of the one-machine stack uses. */
  public static final String URI = "qemu:///system";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private Libvirt() {}

  /** Makes sure {@code qemu:///system} answers, starting virtlogd and libvirtd when needed. */
  public static void ensureRunning() throws IOException {
    if (answers()) {
      return;
    }
    if (!OsUser.isRoot()) {
      throw new IllegalStateException(
          "libvirt does not answer on "
              + URI
              + ": start it (as root: 'virtlogd -d && libvirtd -d') or run ./porthole as root");
    }
    for (String daemon : List.of("virtlogd", "libvirtd")) {
      try {
        ChildProcess.run(List.of(daemon, "-d"), Duration.ofSeconds(20));
      } catch (IOException e) {
        throw new IOException(
            "could not start "
                + daemon
                + " (apt-get install libvirt-daemon-system): "
                + e.getMessage(),
            e);
      }
    }
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!answers()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "libvirtd started but " + URI + " does not answer after " + START_TIMEOUT);
      }
      Sleep.millis(300);
    }
  }

  /** Runs {@code virsh -c qemu:///system ARGS...} and returns its output. */
  public static String virsh(String... args) throws IOException {
    return virsh(URI, Duration.ofSeconds(60), args);
  }

  /** Runs {@code virsh -q -c uri ARGS...} within {@code timeout} and returns its output. */
  static String virsh(String uri, Duration timeout, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("virsh", "-q", "-c", uri));
    command.addAll(List.of(args));
    return ChildProcess.run(command, timeout);
  }

  private static boolean answers() {
    try {
      virsh("version");
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
