package org.porthole.stack.demovm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.libvirt.KvmProbe;
import org.porthole.stack.libvirt.Libvirt;

/**
 * The demo guest: a Debian cloud kernel and a busybox initramfs that draws a banner on its VGA
 * console and runs Porthole's guest agent with its console test backend (built by {@code
 * deploy/local/vm/build-demo-image.sh}). Its VNC listens on a unix socket only (libvirt picks the
 * path in the domain's private directory, which only root and QEMU's user can enter: no TCP port at
 * all) and starts with a random password that has already expired; the host agent sets a one-time
 * password of its own for each console. The domain has the two virtio-serial channels of the guest
 * protocol and logs its serial console to a file, where the agent's {@code PORTHOLE-GUEST:} lines
 * appear. Given a {@link GuestKeytab}, the domain boots its own initramfs {@code
 * initrd-<name>.img}: the shared image with the keytab appended ({@link GuestInitrd}).
 */
public final class DemoVm {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** Where the kernel and initramfs live; readable by QEMU. */
  public static final Path IMAGE_DIR = Path.of("/var/lib/libvirt/images/porthole");

  /** The guest control channel's virtio-serial port name (docs/guest-protocol.md). */
  public static final String GUEST_CHANNEL = "org.porthole.guest.0";

  /** The SSO channel's virtio-serial port name. */
  public static final String SSO_CHANNEL = "org.porthole.sso.0";

  /** Where libvirt's log daemon writes each demo domain's serial console. */
  public static final Path SERIAL_LOG_DIR = Path.of("/var/log/libvirt/qemu");

  private static final int MEMORY_MIB = 256;

  private DemoVm() {}

  /**
   * Builds the guest image when missing or out of date (a new guest agent build), from the guest
   * agent's build output in the repository at {@code repoRoot}: Maven must have built {@code
   * services/guest-agent} first.
   */
  public static void buildImage(Path repoRoot) throws IOException {
    Path script = repoRoot.resolve("deploy/local/vm/build-demo-image.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("missing " + script + ": run from a Porthole checkout");
    }
    ChildProcess.run(
        List.of(
            "bash",
            script.toString(),
            IMAGE_DIR.toString(),
            repoRoot.resolve("services/guest-agent/target").toString()),
        Duration.ofMinutes(5));
  }

  /**
   * The host side of a running domain's virtio-serial channel {@code channel} (for example {@link
   * #GUEST_CHANNEL}): the unix socket libvirt bound for it, read from the live domain XML. libvirt
   * picks the path itself (under {@code /var/lib/libvirt/qemu/channel/target/}, a new directory per
   * start), so callers ask again after each start.
   *
   * @throws IOException when the domain is not running or has no such channel
   */
  public static Path channelSocket(String name, String channel) throws IOException {
    return DomainXml.channelSocket(Libvirt.virsh("dumpxml", name), channel)
        .orElseThrow(
            () -> new IOException("domain " + name + " has no running channel " + channel));
  }

  /** The file the domain's serial console is logged to (rewritten at each start). */
  public static Path serialLog(String name) {
    return SERIAL_LOG_DIR.resolve(name + "-serial.log");
  }

  /** The initramfs of the domain {@code name} when it has a keytab of its own. */
  public static Path perVmInitrd(String name) {
    return IMAGE_DIR.resolve("initrd-" + name + ".img");
  }

  /** What {@link #ensureRunning(Path, String, Optional)} did to the domain. */
  public enum Boot {
    STARTED("started"),
    RESTARTED("restarted (its keytab or its definition changed)"),
    ALREADY_RUNNING("already running");

    private final String words;

    Boot(String words) {
      this.words = words;
    }

    /** For a person at a terminal: "started", "already running", ... */
    public String words() {
      return words;
    }
  }

  /** A persistent demo domain that runs: its UUID and whether this start booted it. */
  public record Running(String uuid, Boot boot) {}

  /** Like {@link #ensureRunning(Path, String, Optional)} without a keytab; returns the UUID. */
  public static String ensureRunning(Path repoRoot, String name) throws IOException {
    return ensureRunning(repoRoot, name, Optional.empty()).uuid();
  }

  /**
   * Defines (or brings up to date) and starts (when stopped) a persistent demo domain, with {@code
   * keytab} in its initramfs when given. A domain left running from a definition without the guest
   * channel, or booted with other keytab bytes than now, is restarted; one that runs as it should
   * is left alone ({@link Boot#ALREADY_RUNNING}).
   */
  public static Running ensureRunning(Path repoRoot, String name, Optional<GuestKeytab> keytab)
      throws IOException {
    buildImage(repoRoot);
    Path initrd = initrd(name, keytab);
    boolean keytabChanged = KeytabDigest.replace(name, keytab);
    // Defining again brings an older definition (one without the guest channels) up to date;
    // a domain still running on such a definition is restarted so the guest agent is reachable.
    Path xml = Files.createTempFile("porthole-demo", ".xml");
    try {
      Files.writeString(xml, withUuid(domainXml(name, initrd), existingUuid(name)));
      Libvirt.virsh("define", xml.toString());
    } finally {
      Files.deleteIfExists(xml);
    }
    boolean running = Libvirt.virsh("domstate", name).strip().equals("running");
    Boot boot = running ? Boot.ALREADY_RUNNING : Boot.STARTED;
    if (running
        && (keytabChanged
            || DomainXml.channelSocket(Libvirt.virsh("dumpxml", name), GUEST_CHANNEL).isEmpty())) {
      Libvirt.virsh("destroy", name);
      boot = Boot.RESTARTED;
    }
    if (boot != Boot.ALREADY_RUNNING) {
      Libvirt.virsh("start", name);
    }
    return new Running(Libvirt.virsh("domuuid", name).strip(), boot);
  }

  /**
   * The initramfs {@code name} boots: the shared image, or with a keytab a fresh {@link
   * #perVmInitrd} (any older one removed when there is none).
   */
  private static Path initrd(String name, Optional<GuestKeytab> keytab) throws IOException {
    Path shared = IMAGE_DIR.resolve("initrd.img");
    if (keytab.isEmpty()) {
      Files.deleteIfExists(perVmInitrd(name));
      return shared;
    }
    GuestInitrd.withKeytab(
        shared, keytab.get().keytab(), keytab.get().krb5Conf(), perVmInitrd(name));
    return perVmInitrd(name);
  }

  /**
   * The UUID of the domain already defined as {@code name}, if any: redefining a domain must keep
   * it (libvirt refuses a second definition of a name under a new UUID, and the engine knows the VM
   * by it).
   */
  private static Optional<String> existingUuid(String name) {
    try {
      String uuid = Libvirt.virsh("domuuid", name).strip();
      return UUID_TEXT.matcher(uuid).matches() ? Optional.of(uuid) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // not defined yet
    }
  }

  /** {@code xml} with {@code <uuid>} right after {@code <name>} when a UUID is given. */
  static String withUuid(String xml, Optional<String> uuid) {
    if (uuid.isEmpty()) {
      return xml;
    }
    int at = xml.indexOf("</name>");
    if (at < 0) {
      throw new IllegalArgumentException("domain XML without a name");
    }
    int end = at + "</name>".length();
    return xml.substring(0, end) + "\n  <uuid>" + uuid.get() + "</uuid>" + xml.substring(end);
  }

  /** Starts a transient domain (gone when destroyed) for tests; returns its UUID. */
  public static String startTransient(Path repoRoot, String name) throws IOException {
    return startTransient(repoRoot, name, Optional.empty());
  }

  /**
   * Starts a transient domain with {@code keytab} in its initramfs when given; returns its UUID.
   * {@link #remove} deletes its initramfs again.
   */
  public static String startTransient(Path repoRoot, String name, Optional<GuestKeytab> keytab)
      throws IOException {
    buildImage(repoRoot);
    Path initrd = initrd(name, keytab);
    KeytabDigest.replace(name, keytab);
    Path xml = Files.createTempFile("porthole-vm", ".xml");
    try {
      Files.writeString(xml, domainXml(name, initrd));
      Libvirt.virsh("create", xml.toString());
    } finally {
      Files.deleteIfExists(xml);
    }
    return Libvirt.virsh("domuuid", name).strip();
  }

  /**
   * Destroys (and undefines, when persistent) a domain and deletes its own initramfs; quiet when it
   * does not exist.
   */
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
    try {
      Files.deleteIfExists(perVmInitrd(name));
      KeytabDigest.replace(name, Optional.empty());
    } catch (IOException e) {
      System.err.println("porthole: cannot delete " + perVmInitrd(name) + ": " + e.getMessage());
    }
  }

  /**
   * The domain XML: TCG unless KVM works, VNC on loopback with an already-expired password, the
   * guest and SSO channels (socket paths left to libvirt), the serial console on a pty and in
   * {@link #serialLog}.
   */
  static String domainXml(String name) {
    return domainXml(name, IMAGE_DIR.resolve("initrd.img"));
  }

  static String domainXml(String name, Path initrd) {
    return domainXml(name, KvmProbe.works(IMAGE_DIR) ? "kvm" : "qemu", initrd);
  }

  static String domainXml(String name, String type) {
    return domainXml(name, type, IMAGE_DIR.resolve("initrd.img"));
  }

  static String domainXml(String name, String type, Path initrd) {
    return """
        <domain type='%s'>
          <name>%s</name>
          <memory unit='MiB'>%d</memory>
          <vcpu>1</vcpu>
          <os>
            <type arch='x86_64' machine='pc'>hvm</type>
            <kernel>%s</kernel>
            <initrd>%s</initrd>
            <cmdline>console=ttyS0 console=tty0 quiet</cmdline>
          </os>
          <on_poweroff>destroy</on_poweroff>
          <devices>
            <controller type='virtio-serial' index='0'/>
            <channel type='unix'>
              <source mode='bind'/>
              <target type='virtio' name='%s'/>
            </channel>
            <channel type='unix'>
              <source mode='bind'/>
              <target type='virtio' name='%s'/>
            </channel>
            <serial type='pty'>
              <log file='%s' append='off'/>
            </serial>
            <graphics type='vnc' passwd='%s' passwdValidTo='2000-01-01T00:00:00'>
              <listen type='socket'/>
            </graphics>
            <video><model type='vga'/></video>
          </devices>
        </domain>
        """
        .formatted(
            type,
            name,
            MEMORY_MIB,
            IMAGE_DIR.resolve("vmlinuz"),
            initrd,
            GUEST_CHANNEL,
            SSO_CHANNEL,
            serialLog(name),
            Secrets.random(6));
  }
}
