package org.porthole.stack.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.demovm.DemoVm;

/**
 * A second libvirt daemon next to the machine's: its own host UUID, none of the machine's domains,
 * a live migration of a running VM there, back and there again (the same domain UUID, running on
 * one side at a time), and nothing left running once it is closed.
 */
class IsolatedLibvirtIT {
  private static final Path REPO =
      Path.of(System.getProperty("porthole.repo", "../../..")).toAbsolutePath().normalize();

  @TempDir Path root;

  @Test
  void aVmMigratesThereAndBackAndClosingLeavesNothingRunning() throws Exception {
    Libvirt.ensureRunning();
    String name = "porthole-isolated-" + ProcessHandle.current().pid();
    Optional<ProcessHandle> daemon;
    try (IsolatedLibvirt host = IsolatedLibvirt.start(root.resolve("h"), 49450)) {
      assertThat(host.virsh("capabilities")).contains("<uuid>" + host.hostUuid() + "</uuid>");
      assertThat(Libvirt.virsh("capabilities")).doesNotContain(host.hostUuid());
      assertThat(host.virsh("list", "--all", "--name").strip()).isEmpty();
      daemon = pid(root.resolve("h/run/libvirtd.pid"));
      assertThat(daemon).isPresent();
      try {
        String uuid = DemoVm.startTransient(REPO, name);

        host.migrateFromMachine(name);
        assertThat(host.virsh("domuuid", name).strip()).isEqualTo(uuid);
        assertThat(host.virsh("domstate", "--reason", name)).contains("running (migrated)");
        assertThat(Libvirt.virsh("list", "--name")).doesNotContain(name);

        host.migrateToMachine(name);
        assertThat(Libvirt.virsh("domstate", "--reason", name)).contains("running (migrated)");
        assertThat(host.virsh("list", "--name")).doesNotContain(name);

        host.migrateFromMachine(name);
      } finally {
        DemoVm.remove(name);
      }
    }
    assertThat(daemon.get().isAlive()).as("the second libvirtd after close").isFalse();
    assertThat(Libvirt.virsh("list", "--name")).doesNotContain(name);
  }

  /** A run killed before closing left its daemons: the next start on that root stops them. */
  @Test
  void aStartOnTheRootOfAKilledRunStopsItsDaemonsFirst() throws Exception {
    IsolatedLibvirt left = IsolatedLibvirt.start(root.resolve("k"), 49450);
    Optional<ProcessHandle> stale = pid(root.resolve("k/run/libvirtd.pid"));
    assertThat(stale).isPresent();
    try (IsolatedLibvirt next = IsolatedLibvirt.start(root.resolve("k"), 49450)) {
      assertThat(stale.get().isAlive()).as("the earlier run's libvirtd").isFalse();
      assertThat(next.virsh("capabilities")).contains("<uuid>" + next.hostUuid() + "</uuid>");
    } finally {
      left.close(); // its namespace holder; its daemons are gone
    }
  }

  private static Optional<ProcessHandle> pid(Path file) throws Exception {
    return Files.isRegularFile(file)
        ? ProcessHandle.of(Long.parseLong(Files.readString(file).strip()))
        : Optional.empty();
  }
}
