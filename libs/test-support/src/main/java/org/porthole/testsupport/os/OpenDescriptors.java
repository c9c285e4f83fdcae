package org.porthole.testsupport.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * This JVM's open file descriptors, each as "number -> what it is" ({@code socket:[inode]}, a path,
 * a pipe), for leak checks. Comparing sets rather than counts keeps a check honest while other
 * threads of the test JVM close descriptors of earlier tests (a count then drops by one and an
 * equality fails although nothing leaked): a leak is a descriptor opened since the snapshot that is
 * still open.
 */
public final class OpenDescriptors {
  private static final Path FDS = Path.of("/proc/self/fd");

  private OpenDescriptors() {}

  /** The descriptors open now, but the one this listing itself reads /proc/self/fd through. */
  public static Set<String> snapshot() {
    Set<String> open = new HashSet<>();
    try (Stream<Path> fds = Files.list(FDS)) {
      Path listing = FDS.toRealPath();
      fds.forEach(
          fd -> {
            try {
              Path target = Files.readSymbolicLink(fd);
              if (!target.equals(listing)) {
                open.add(fd.getFileName() + " -> " + target);
              }
            } catch (IOException e) {
              // closed between the listing and the read
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + FDS, e);
    }
    return open;
  }

  /** The descriptors open now that were not in {@code before}, sorted (empty: nothing leaked). */
  public static Set<String> openedSince(Set<String> before) {
    Set<String> now = new TreeSet<>(snapshot());
    now.removeAll(before);
    return now;
  }
}
