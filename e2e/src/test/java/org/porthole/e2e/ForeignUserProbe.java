package org.porthole.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another local user (uid 65534, {@code nobody}) trying the tunnel's port: a small Java program
 * started with {@code setpriv} under that uid, which connects, takes whatever the port offers,
 * answers VNC authentication without the password and reports every byte it got.
 */
final class ForeignUserProbe {
  private static final String SOURCE =
      """
      import java.io.*;
      import java.net.*;
      public class Probe {
        public static void main(String[] a) throws Exception {
          Socket s;
          try { s = new Socket("127.0.0.1", Integer.parseInt(a[0])); }
          catch (ConnectException e) { System.out.println("refused"); return; }
          s.setSoTimeout(15000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          OutputStream out = s.getOutputStream();
          byte[] v = new byte[12]; in.readFully(v);
          System.out.println("version " + new String(v).trim());
          out.write(v);
          int n = in.readUnsignedByte(); byte[] t = new byte[n]; in.readFully(t);
          System.out.println("types " + java.util.Arrays.toString(t));
          out.write(t.length > 0 ? t[0] : 1);
          byte[] c = new byte[16]; in.readFully(c);
          out.write(new byte[16]);
          System.out.println("result " + in.readInt());
          out.write(1);
          int more = 0;
          try { while (in.read() >= 0) more++; } catch (IOException e) { }
          System.out.println("bytes-after-result " + more);
        }
      }
      """;

  private ForeignUserProbe() {}

  /** Runs the probe against {@code port} as uid 65534; answers what it printed. */
  static String run(int port) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("porthole-probe");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path source = dir.resolve("Probe.java");
    Files.writeString(source, SOURCE, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    "setpriv",
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "--",
                    java,
                    "-XX:-UsePerfData",
                    "-Duser.home=/tmp",
                    source.toString(),
                    Integer.toString(port)))
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the probe hung");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Files.deleteIfExists(source);
    Files.deleteIfExists(dir);
    System.out.println("e2e: foreign-user probe of port " + port + ": " + output.strip());
    return output;
  }
}
