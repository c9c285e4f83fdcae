package org.porthole.stack.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Sleep;

/**
 * What the cluster tests look at: polled kubectl output, a busybox image made here (no registry),
 * and the host's processes and iptables rules once the cluster is gone.
 */
final class KubeProbe {
  /**
   * An image of busybox-static and glibc's {@code getent} (which resolves names as a JVM does:
   * glibc's resolver with the pod's search path and ndots; static busybox cannot); pods give the
   * command ({@code /bin/busybox APPLET ...}, {@code /usr/bin/getent ahostsv4 NAME}).
   */
  static final String IMAGE = "porthole.test/busybox:it";

  private static final Path BUSYBOX = Path.of("/bin/busybox");

  /** getent and what it loads (glibc 2.34+ has its DNS and files NSS modules inside libc). */
  private static final List<Path> GETENT =
      List.of(
          Path.of("/usr/bin/getent"),
          Path.of("/lib/x86_64-linux-gnu/libc.so.6"),
          Path.of("/lib64/ld-linux-x86-64.so.2"));

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Kube kube;

  KubeProbe(Kube kube) {
    this.kube = kube;
  }

  /** Something that may fail until the cluster has caught up. */
  interface Attempt {
    String get() throws IOException;
  }

  /** Polls kubectl until its stripped output passes {@code done}; fails with the last output. */
  String awaitKubectl(String what, Predicate<String> done, String... args) {
    return await(what, done, () -> kube.kubectl(args));
  }

  /** Repeats {@code attempt} until its stripped result passes {@code done}; returns that result. */
  String await(String what, Predicate<String> done, Attempt attempt) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        last = attempt.get().strip();
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Sleep.millis(500);
    }
    throw new AssertionError(
        "no " + what + " after " + TIMEOUT + "; last: " + last + "\n" + describePods());
  }

  /** Applies a manifest given as lines of YAML. */
  void apply(String... yaml) throws IOException {
    kube.kubectlWithInput(String.join("\n", yaml), "apply", "-f", "-");
  }

  private String describePods() {
    try {
      return kube.kubectl("describe", "pods");
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** A docker-archive tarball of {@link #IMAGE} in {@code dir}, made once. */
  static Path busyboxImage(Path dir) throws IOException {
    Path tar = dir.resolve("busybox.tar");
    if (Files.exists(tar)) {
      return tar;
    }
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IOException(BUSYBOX + " is missing: busybox-static (./porthole setup installs it)");
    }
    Path root = dir.resolve("busybox-rootfs");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(BUSYBOX, root.resolve("bin/busybox"));
    for (Path file : GETENT) {
      if (!Files.isRegularFile(file)) {
        throw new IOException(file + " is missing (glibc's getent, part of libc-bin)");
      }
      Path to = root.resolve(Path.of("/").relativize(file));
      Files.createDirectories(to.getParent());
      Files.copy(file, to);
    }
    ChildProcess.run(
        List.of(
            "bash",
            kubeScript().toString(),
            "image-tar",
            IMAGE,
            root.toString(),
            tar.toString(),
            "/bin/busybox",
            "true"),
        Map.of(),
        "",
        Duration.ofMinutes(1));
    return tar;
  }

  private static Path kubeScript() {
    return Path.of(System.getProperty("porthole.repo", "../../.."))
        .resolve("deploy/local/k8s/kube.sh")
        .toAbsolutePath()
        .normalize();
  }

  /** Command lines of live processes that name {@code text}. */
  static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains(text)) {
            found.add(p.getFileName() + ": " + cmdline);
          }
        } catch (IOException e) {
          // the process ended while being listed
        }
      }
    }
    return found;
  }

  /** The host's IPv4 and IPv6 rules and chains, as iptables-save and ip6tables-save print them. */
  static String iptablesRules() throws IOException {
    Duration timeout = Duration.ofSeconds(30);
    return ChildProcess.run(List.of("iptables-save"), timeout)
        + ChildProcess.run(List.of("ip6tables-save"), timeout);
  }

  /** A kernel setting, e.g. {@code net/ipv4/conf/all/route_localnet}. */
  static String sysctl(String key) throws IOException {
    return Files.readString(Path.of("/proc/sys", key)).strip();
  }
}
