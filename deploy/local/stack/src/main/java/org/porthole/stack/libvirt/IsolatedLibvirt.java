package org.porthole.stack.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.OsUser;
import org.porthole.stack.host.Sleep;

/**
 * A second libvirt "host" on this machine: a root {@code libvirtd} and its own {@code virtlogd} in
 * a mount namespace of their own, where {@code /etc/libvirt}, {@code /run/libvirt}, {@code
 * /var/lib/libvirt/qemu}, {@code /var/cache/libvirt} and {@code /var/log/libvirt} are directories
 * under {@code root}. A root libvirtd has those paths compiled in and locks its drivers' pid files
 * there, so this is the only way two of them run side by side; the machine's own daemon is left
 * alone. The daemon has its own host UUID (libvirt refuses a migration between two hosts with the
 * same one), no cgroups (domain ids restart at 1 per daemon, so both would name the same cgroup),
 * and its own range of migration ports. Both daemons share the network namespace: a live migration
 * runs over loopback, and images outside the private paths (the demo image) are seen by both.
 *
 * <p>Clients outside the namespace reach it by {@link #uri()} (a unix socket path under {@code
 * root}). Anything that must see the daemon's paths as the daemon does (a host agent following
 * guest-channel sockets) runs inside the namespace through {@link #inside}.
 */
public final class IsolatedLibvirt implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(20);
  private static final Duration COMMAND = Duration.ofSeconds(60);
  private static final Duration MIGRATION = Duration.ofSeconds(120);

  /** A unix socket path is at most 107 bytes long on Linux. */
  private static final int MAX_SOCKET_PATH = 107;

  private static final List<String> PRIVATE =
      List.of(
          "etc:/etc/libvirt",
          "run:/run/libvirt",
          "lib:/var/lib/libvirt/qemu",
          "cache:/var/cache/libvirt",
          "log:/var/log/libvirt");

  private final Path root;
  private final String hostUuid;
  private final Process holder;

  private IsolatedLibvirt(Path root, String hostUuid, Process holder) {
    this.root = root;
    this.hostUuid = hostUuid;
    this.holder = holder;
  }

  /**
   * Starts the daemons under {@code root} (made afresh: what was there is deleted) with incoming
   * migrations on ports {@code migrationPortMin} to {@code migrationPortMin + 49}, which must not
   * overlap the machine daemon's (49152 to 49215 by default); returns when the daemon answers.
   */
  public static IsolatedLibvirt start(Path root, int migrationPortMin) throws IOException {
    if (!OsUser.isRoot()) {
      throw new IllegalStateException("a second libvirt host needs root (mount namespaces)");
    }
    Path socket = root.resolve("run/libvirt-sock").toAbsolutePath();
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new IllegalArgumentException(
          "the second libvirt's socket path " + socket + " is longer than a unix socket allows");
    }
    String uuid = UUID.randomUUID().toString();
    writeConfig(root.toAbsolutePath(), uuid, migrationPortMin);
    Process holder =
        new ProcessBuilder("unshare", "--mount", "--propagation", "slave", "sleep", "infinity")
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("namespace.log").toFile())
            .start();
    IsolatedLibvirt host = new IsolatedLibvirt(root.toAbsolutePath(), uuid, holder);
    try {
      host.mountAndStart();
      return host;
    } catch (IOException | RuntimeException e) {
      host.close();
      throw e;
    }
  }

  /** The connection URI for clients outside the namespace (libvirt-java, virsh, a p2p source). */
  public String uri() {
    return uriOf(root);
  }

  private static String uriOf(Path root) {
    return "qemu+unix:///system?socket=" + root.resolve("run/libvirt-sock");
  }

  /** The host UUID this daemon reports in its capabilities. */
  public String hostUuid() {
    return hostUuid;
  }

  /** Where the daemon's {@code /var/log/libvirt} is, seen from outside (QEMU and serial logs). */
  public Path logDir() {
    return root.resolve("log");
  }

  /** {@code command} run inside the daemon's mount namespace (nsenter execs it, same pid). */
  public List<String> inside(List<String> command) {
    List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holder.pid()), "-m"));
    all.add("--");
    all.addAll(command);
    return all;
  }

  /** Runs {@code virsh -q -c URI ARGS...} and returns its output. */
  public String virsh(String... args) throws IOException {
    return Libvirt.virsh(uri(), COMMAND, args);
  }

  /**
   * Live-migrates {@code domain} from the machine's libvirt to this one (peer to peer: the
   * machine's daemon talks to this one; {@code --unsafe} because both see the same local files,
   * which libvirt cannot tell are shared); returns when the migration has ended.
   */
  public void migrateFromMachine(String domain) throws IOException {
    Libvirt.virsh(Libvirt.URI, MIGRATION, "migrate", "--live", "--p2p", "--unsafe", domain, uri());
  }

  /**
   * Live-migrates {@code domain} from this libvirt back to the machine's (managed by virsh, which
   * reaches both daemons: this one cannot see the machine's socket from its namespace).
   */
  public void migrateToMachine(String domain) throws IOException {
    Libvirt.virsh(uri(), MIGRATION, "migrate", "--live", "--unsafe", domain, Libvirt.URI);
  }

  private static void writeConfig(Path root, String uuid, int migrationPortMin) throws IOException {
    if (Files.exists(root)) {
      stopStale(root);
      ChildProcess.run(List.of("rm", "-rf", "--one-file-system", root.toString()), COMMAND);
    }
    for (String dir : List.of("etc", "run", "lib", "cache", "log/qemu")) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.writeString(
        root.resolve("etc/libvirtd.conf"),
        """
        host_uuid = "%s"
        log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
        """
            .formatted(uuid));
    Files.writeString(
        root.resolve("etc/qemu.conf"),
        """
        cgroup_controllers = [ ]
        migration_port_min = %d
        migration_port_max = %d
        """
            .formatted(migrationPortMin, migrationPortMin + 49));
  }

  /**
   * Daemons an earlier run left behind under {@code root} (its JVM was killed before closing them)
   * are stopped first, their domains destroyed: they would otherwise outlive the files deleted
   * under them.
   */
  private static void stopStale(Path root) {
    String uri = uriOf(root);
    try {
      String names = Libvirt.virsh(uri, COMMAND, "list", "--name");
      for (String name : names.lines().map(String::strip).filter(n -> !n.isEmpty()).toList()) {
        Libvirt.virsh(uri, COMMAND, "destroy", name);
      }
    } catch (IOException e) {
      // no daemon answers there: nothing runs under it
    }
    stopDaemons(root);
  }

  /** The daemons whose pid files are under {@code root}, when those pids still are theirs. */
  private static void stopDaemons(Path root) {
    for (String pidFile : List.of("run/libvirtd.pid", "run/virtlogd.pid")) {
      pid(root.resolve(pidFile))
          .filter(
              h ->
                  h.info()
                      .command()
                      .map(c -> c.endsWith("/libvirtd") || c.endsWith("/virtlogd"))
                      .orElse(false))
          .ifPresent(IsolatedLibvirt::stop);
    }
  }

  private void mountAndStart() throws IOException {
    awaitNamespace();
    for (String pair : PRIVATE) {
      String[] p = pair.split(":", 2);
      ChildProcess.run(
          inside(List.of("mount", "--bind", root.resolve(p[0]).toString(), p[1])), COMMAND);
    }
    ChildProcess.run(inside(List.of("virtlogd", "-d", "-p", "/run/libvirt/virtlogd.pid")), COMMAND);
    ChildProcess.run(inside(List.of("libvirtd", "-d", "-p", "/run/libvirt/libvirtd.pid")), COMMAND);
    Instant deadline = Instant.now().plus(START);
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        virsh("version");
        return;
      } catch (IOException e) {
        last = e;
      }
      Sleep.millis(200);
    }
    throw new IOException(
        "the second libvirtd does not answer on "
            + uri()
            + " after "
            + START
            + " (its log: "
            + root.resolve("log/libvirtd.log")
            + ")",
        last);
  }

  /** unshare has exec'd sleep once the holder's mount namespace differs from ours. */
  private void awaitNamespace() throws IOException {
    Path ours = Path.of("/proc/self/ns/mnt");
    Path theirs = Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt");
    Instant deadline = Instant.now().plus(START);
    while (Instant.now().isBefore(deadline)) {
      if (!holder.isAlive()) {
        throw new IOException(
            "unshare --mount failed: " + Files.readString(root.resolve("namespace.log")));
      }
      try {
        if (!Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(ours))) {
          return;
        }
      } catch (IOException e) {
        // not there yet
      }
      Sleep.millis(50);
    }
    throw new IOException("no new mount namespace after " + START);
  }

  /** Destroys its domains, stops both daemons and lets the namespace go. */
  @Override
  public void close() {
    try {
      for (String name : virsh("list", "--name").lines().map(String::strip).toList()) {
        if (!name.isEmpty()) {
          virsh("destroy", name);
        }
      }
    } catch (IOException e) {
      System.err.println("porthole: cannot list the second libvirt's domains: " + e.getMessage());
    }
    stopDaemons(root);
    holder.destroyForcibly();
  }

  private static Optional<ProcessHandle> pid(Path file) {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(file).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void stop(ProcessHandle daemon) {
    daemon.destroy();
    Instant deadline = Instant.now().plus(STOP);
    while (daemon.isAlive() && Instant.now().isBefore(deadline)) {
      Sleep.millis(100);
    }
    if (daemon.isAlive()) {
      daemon.destroyForcibly();
    }
  }
}
