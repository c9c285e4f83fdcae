package org.porthole.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The demo guest: a Debian cloud kernel and a busybox initramfs that draws a banner on its
 * VGA console (built by {@code deploy/local/vm/build-demo-image.sh}). Its VNC listens on
 * loopback only and starts with a random password that has already expired, so nobody
 * gets in without a Porthole ticket.
 */
public final class DemoVm {
  /** Where the kernel and initramfs live; readable by QEMU. */
  public static final Path IMAGE_DIR = Path.of("/var/lib/libvirt/images/porthole");

  private DemoVm() {}

  /** Builds the guest image when missing, using the script in the repository at {@code repoRoot}. */
  public static void buildImage(Path repoRoot) throws IOException {
    Path script = repoRoot.resolve("deploy/local/vm/build-demo-image.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("missing " + script + ": run from a Porthole checkout");
    }
    ChildProcess.run(List.of("bash", script.toString(), IMAGE_DIR.toString()), Duration.ofMinutes(5));
  }

  /** Defines (when missing) and starts (when stopped) a persistent demo domain; returns its UUID. */
  public static String ensureRunning(Path repoRoot, String name) throws IOException {
    buildImage(repoRoot);
    if (!Libvirt.virsh("list", "--all", "--name").lines().anyMatch(name::equals)) {
      Path xml = Files.createTempFile("porthole-demo", ".xml");
      try {
        Files.writeString(xml, domainXml(name));
        Libvirt.virsh("define", xml.toString());
      } finally {
        Files.deleteIfExists(xml);
      }
    }
    if (!Libvirt.virsh("domstate", name).strip().equals("running")) {
      Libvirt.virsh("start", name);
    }
    return Libvirt.virsh("domuuid", name).strip();
  }

  /** Starts a transient domain (gone when destroyed) for tests; returns its UUID. */
  public static String startTransient(Path repoRoot, String name) throws IOException {
    buildImage(repoRoot);
    Path xml = Files.createTempFile("porthole-vm", ".xml");
    try {
      Files.writeString(xml, domainXml(name));
      Libvirt.virsh("create", xml.toString());
    } finally {
      Files.deleteIfExists(xml);
    }
    return Libvirt.virsh("domuuid", name).strip();
  }

  /** Destroys (and undefines, when persistent) a domain; quiet when it does not exist. */
  public static void remove(String name) {
    try {
      Libvirt.virsh("destroy", name);
    } catch (IOException e) {
      // not running
    }
    try {
      Libvirt.virsh("undefine", name);
    } catch (IOException e) {
      // transient or unknown
    }
  }

  /** The domain XML: TCG unless KVM works, VNC on loopback with an already-expired password. */
  static String domainXml(String name) {
    String type = KvmProbe.works(IMAGE_DIR) ? "kvm" : "qemu";
    return """
        <domain type='%s'>
          <name>%s</name>
          <memory unit='MiB'>128</memory>
          <vcpu>1</vcpu>
          <os>
            <type arch='x86_64' machine='pc'>hvm</type>
            <kernel>%s</kernel>
            <initrd>%s</initrd>
            <cmdline>console=ttyS0 console=tty0 quiet</cmdline>
          </os>
          <on_poweroff>destroy</on_poweroff>
          <devices>
            <serial type='pty'/>
            <graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='%s' passwdValidTo='2000-01-01T00:00:00'>
              <listen type='address' address='127.0.0.1'/>
            </graphics>
            <video><model type='vga'/></video>
          </devices>
        </domain>
        """.formatted(type, name, IMAGE_DIR.resolve("vmlinuz"), IMAGE_DIR.resolve("initrd.img"),
        Secrets.random(6));
  }
}
