package org.porthole.stack.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.porthole.stack.host.Sleep;

/**
 * Whether KVM really runs guests here. {@code /dev/kvm} and libvirt's capabilities can say yes on a
 * host whose nested virtualization hangs at the first instruction, so the probe boots the demo
 * kernel under {@code -accel kvm} and waits for its init to speak on the serial port. The answer is
 * remembered for the life of the JVM.
 */
public final class KvmProbe {
  private static final Duration BOOT_BUDGET = Duration.ofSeconds(20);
  private static final String SIGN_OF_LIFE = "porthole-demo: alive";
  private static Boolean works;

  private KvmProbe() {}

  public static synchronized boolean works(Path imageDir) {
    if (works == null) {
      works = Files.exists(Path.of("/dev/kvm")) && boots(imageDir);
      System.out.println(
          "porthole: KVM "
              + (works ? "works; VMs use it" : "is not usable here; VMs run under TCG"));
    }
    return works;
  }

  private static boolean boots(Path imageDir) {
    List<String> command =
        List.of(
            "qemu-system-x86_64",
            "-accel",
            "kvm",
            "-nodefaults",
            "-nographic",
            "-no-reboot",
            "-m",
            "256",
            "-kernel",
            imageDir.resolve("vmlinuz").toString(),
            "-initrd",
            imageDir.resolve("initrd.img").toString(),
            "-append",
            "console=ttyS0 quiet panic=-1",
            "-serial",
            "stdio",
            "-monitor",
            "none");
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return false;
    }
    try (InputStream out = p.getInputStream()) {
      StringBuilder seen = new StringBuilder();
      Instant deadline = Instant.now().plus(BOOT_BUDGET);
      byte[] buf = new byte[4096];
      while (Instant.now().isBefore(deadline) && p.isAlive()) {
        int n = out.available() > 0 ? out.read(buf) : 0;
        if (n > 0) {
          seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          if (seen.indexOf(SIGN_OF_LIFE) >= 0) {
            return true;
          }
        } else {
          Sleep.millis(100);
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    } finally {
      p.destroyForcibly();
    }
  }
}
