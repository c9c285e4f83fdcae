package org.porthole.stack.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks Keycloak's distribution zip once into a state directory. The zip holds one top folder
 * ({@code keycloak-<version>/}); it is unpacked beside its final place and moved there in one step,
 * so a half-unpacked tree is never taken for a finished one. Entries that would land outside the
 * target (absolute paths, {@code ..}) are refused.
 */
final class KeycloakDist {
  private static final String UNPACKING = "unpacking.tmp";

  private KeycloakDist() {}

  /**
   * The unpacked distribution's home under {@code dir}, unpacking {@code zip} when not there yet.
   */
  static Path unpackOnce(Path zip, Path dir) throws IOException {
    String top = topFolder(zip);
    Path home = dir.resolve(top);
    if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
      return home;
    }
    Path tmp = dir.resolve(UNPACKING);
    deleteTree(tmp);
    Files.createDirectories(tmp);
    System.err.println("porthole: unpacking " + zip.getFileName() + " into " + dir + " (once)");
    unpack(zip, tmp);
    for (String script : new String[] {"kc.sh", "kcadm.sh", "kcreg.sh"}) {
      Path p = tmp.resolve(top).resolve("bin").resolve(script);
      if (Files.exists(p)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    deleteTree(home);
    Files.move(tmp.resolve(top), home, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(tmp);
    return home;
  }

  /** The zip's single top folder; a zip without one is not a Keycloak distribution. */
  static String topFolder(Path zip) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry first = in.getNextEntry();
      if (first == null) {
        throw new IOException(zip + " is empty, not a Keycloak distribution");
      }
      String name = first.getName();
      int slash = name.indexOf('/');
      String top = slash < 0 ? name : name.substring(0, slash);
      if (top.isEmpty() || top.equals("..") || top.equals(".") || !top.startsWith("keycloak-")) {
        throw new IOException(zip + " does not start with a keycloak-<version>/ folder: " + name);
      }
      return top;
    }
  }

  private static void unpack(Path zip, Path target) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path out = root.resolve(e.getName()).normalize();
        if (!out.startsWith(root) || out.equals(root)) {
          throw new IOException("refusing zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        copy(in, out);
      }
    }
  }

  private static void copy(InputStream in, Path out) throws IOException {
    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
