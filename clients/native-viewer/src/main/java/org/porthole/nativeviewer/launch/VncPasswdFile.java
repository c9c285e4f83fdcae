package org.porthole.nativeviewer.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.porthole.nativeviewer.tunnel.VncPassword;

/**
 * A VNC password file as {@code vncpasswd} writes it (what TigerVNC's {@code -passwd} reads): the
 * password, zero-padded to 8 bytes, DES-encrypted with VNC's fixed obfuscation key. Obfuscation
 * only: the file is created owner-only and lives only until the viewer connected.
 */
final class VncPasswdFile {
  private static final byte[] OBFUSCATION_KEY = {23, 82, 107, 6, 35, 78, 88, 7};

  private VncPasswdFile() {}

  static void write(Path file, String password) throws IOException {
    byte[] plain = Arrays.copyOf(password.getBytes(StandardCharsets.ISO_8859_1), 8);
    byte[] obfuscated =
        VncPassword.response(plain, new String(OBFUSCATION_KEY, StandardCharsets.ISO_8859_1));
    Files.deleteIfExists(file);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.write(file, obfuscated);
  }
}
