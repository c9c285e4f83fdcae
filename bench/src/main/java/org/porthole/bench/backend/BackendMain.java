package org.porthole.bench.backend;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.porthole.testsupport.vnc.VncMode;
import org.porthole.testsupport.vnc.VncStandIn;

/**
 * Entry point of the benchmark backend, run as a child JVM so its CPU and memory are counted in
 * neither the clients nor the relays. Prints {@code ports source=S sink=K echo=E} on stdout and
 * serves until its stdin closes (the harness exited) or {@code maxSeconds} pass.
 */
public final class BackendMain {
  private BackendMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    long maxSeconds = args.length > 0 ? Long.parseLong(args[0]) : 7200;
    VncStandIn.Builder builder = VncStandIn.builder();
    for (BackendMode mode : BackendMode.values()) {
      builder.tcp(mode.vnc());
    }
    VncStandIn backend = builder.start();
    System.out.println(
        "ports source="
            + backend.port(VncMode.SOURCE)
            + " sink="
            + backend.port(VncMode.SINK)
            + " echo="
            + backend.port(VncMode.ECHO));
    System.out.flush();
    Thread watchdog = new Thread(() -> awaitStdinClosed(System.in), "stdin-watch");
    watchdog.setDaemon(true);
    watchdog.start();
    watchdog.join(Duration.ofSeconds(maxSeconds).toMillis());
    backend.close();
    System.exit(0);
  }

  private static void awaitStdinClosed(InputStream in) {
    byte[] buf = new byte[64];
    try {
      while (in.read(buf) >= 0) {
        // the harness never writes; reading only notices when it goes away
      }
    } catch (IOException e) {
      // closed: same as end of stream
    }
  }
}
