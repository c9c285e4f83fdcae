package org.porthole.stack.demovm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Which keytab a demo domain was last given, as a SHA-256 of its bytes in {@code
 * initrd-<name>.keytab.sha256} next to the images: a running persistent domain booted with other
 * keys than the stack now has must be restarted, since the guest reads its keytab only from the
 * initramfs it booted. The digest says nothing about the keys; the file is 0600 all the same.
 */
final class KeytabDigest {
  private KeytabDigest() {}

  static Path file(String name) {
    return DemoVm.IMAGE_DIR.resolve("initrd-" + name + ".keytab.sha256");
  }

  /**
   * Records {@code keytab} (or none) for {@code name}; true when that differs from what was
   * recorded before (nothing recorded counts as different from a keytab).
   */
  static boolean replace(String name, Optional<GuestKeytab> keytab) throws IOException {
    Path file = file(name);
    Optional<String> before =
        Files.exists(file)
            ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).strip())
            : Optional.empty();
    if (keytab.isEmpty()) {
      Files.deleteIfExists(file);
      return before.isPresent();
    }
    String now = sha256(Files.readAllBytes(keytab.get().keytab()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, now + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return !before.equals(Optional.of(now));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }
}
