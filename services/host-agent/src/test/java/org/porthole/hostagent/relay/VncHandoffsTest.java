package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.os.OpenDescriptors;

/**
 * The handoff's native part with a stand-in for libvirt that writes a tag into the descriptor it is
 * given (as QEMU would speak first on its copy): each relay connection reaches its own handover,
 * the agent keeps no descriptor and no socket path, and the directory is private.
 */
class VncHandoffsTest {
  private static final int CONSOLES = 24;

  @TempDir Path parent;

  /** libc's write, for the stand-in. */
  interface Write extends Library {
    Write INSTANCE = Native.load("c", Write.class);

    long write(int fd, byte[] bytes, long count);
  }

  private static void tagInto(String vm, int index, int fd) throws AgentException {
    byte[] tag = (vm + "#" + index + "\n").getBytes(StandardCharsets.US_ASCII);
    if (Write.INSTANCE.write(fd, tag, tag.length) != tag.length) {
      throw new AgentException(PortholeStatus.INTERNAL, "short write");
    }
  }

  /** One relay's way: connect to the rendezvous, hand over, read what "QEMU" said. */
  private static String relay(VncHandoffs handoffs, String vm, int index) throws Exception {
    try (VncHandoffs.Rendezvous r = handoffs.open();
        SocketChannel relay = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      relay.connect(r.address());
      r.handOver(vm, index);
      return readLine(relay);
    }
  }

  private static String readLine(SocketChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(128);
    while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
      if (ch.read(buf) < 0) {
        break;
      }
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
  }

  private static List<Path> left(VncHandoffs handoffs) throws IOException {
    try (Stream<Path> s = Files.list(handoffs.directory())) {
      return s.toList();
    }
  }

  @Test
  void concurrentHandoffsEachReachTheirOwnConnectionAndLeaveNoDescriptor() throws Exception {
    try (VncHandoffs handoffs = new VncHandoffs(parent, VncHandoffsTest::tagInto)) {
      assertThat(relay(handoffs, "warm-up", 0)).isEqualTo("warm-up#0"); // loads libc once
      Set<String> before = OpenDescriptors.snapshot();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> seen = new ArrayList<>();
        for (int i = 0; i < CONSOLES; i++) {
          int n = i;
          seen.add(pool.submit(() -> relay(handoffs, "vm-" + n, n % 3)));
        }
        for (int i = 0; i < CONSOLES; i++) {
          assertThat(seen.get(i).get(60, TimeUnit.SECONDS))
              .as("relay " + i + " got its own connection")
              .isEqualTo("vm-" + i + "#" + i % 3);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(OpenDescriptors.openedSince(before))
          .as("descriptors left after %d handoffs", CONSOLES)
          .isEmpty();
      assertThat(left(handoffs)).as("socket paths left").isEmpty();
    }
  }

  @Test
  void aRefusedHandoverFailsAndClosesTheAcceptedEnd() throws Exception {
    VncHandoffs.Handover refuses =
        (vm, index, fd) -> {
          throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, "libvirt said no");
        };
    try (VncHandoffs handoffs = new VncHandoffs(parent, refuses)) {
      relayRefused(handoffs); // loads libc once
      Set<String> before = OpenDescriptors.snapshot();
      for (int i = 0; i < 5; i++) {
        relayRefused(handoffs);
      }
      assertThat(OpenDescriptors.openedSince(before))
          .as("descriptors left after refused handoffs")
          .isEmpty();
      assertThat(left(handoffs)).isEmpty();
    }
  }

  private static void relayRefused(VncHandoffs handoffs) throws Exception {
    try (VncHandoffs.Rendezvous r = handoffs.open();
        SocketChannel relay = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      relay.connect(r.address());
      assertThatThrownBy(() -> r.handOver("vm", 0))
          .isInstanceOfSatisfying(
              AgentException.class,
              e -> {
                assertThat(e.status()).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
                assertThat(e.getMessage()).isEqualTo("libvirt said no");
              });
      assertThat(relay.read(ByteBuffer.allocate(1)))
          .as("the relay sees its connection end: no copy of the accepted end is left open")
          .isEqualTo(-1);
    }
  }

  @Test
  void theDirectoryIsTheAgentsAloneAndGoesAwayOnClose() throws Exception {
    VncHandoffs handoffs = new VncHandoffs(parent, VncHandoffsTest::tagInto);
    Path dir = handoffs.directory();
    assertThat(dir.getParent()).isEqualTo(parent);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    VncHandoffs.Rendezvous pending = handoffs.open(); // a console that never connected
    assertThat(Files.exists(pending.address().getPath())).isTrue();
    handoffs.close();
    pending.close();
    assertThat(Files.exists(dir)).as("directory removed with what was left in it").isFalse();
  }

  @Test
  void aDirectoryTooDeepForASocketPathIsRefusedAtStart() throws Exception {
    Path deep = Files.createDirectories(parent.resolve("d".repeat(100)));
    assertThatThrownBy(() -> new VncHandoffs(deep, VncHandoffsTest::tagInto))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.getMessage()).contains("shorter java.io.tmpdir"));
    try (Stream<Path> s = Files.list(deep)) {
      assertThat(s).as("nothing left under the parent").isEmpty();
    }
  }
}
