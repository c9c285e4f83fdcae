package org.porthole.stack.demovm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A VM's own initramfs: the shared guest image, padded with NULs to a 4-byte boundary, followed by
 * a second, gzip'd newc cpio archive holding files for that VM alone (its keytab). The kernel
 * unpacks every archive it finds in the initrd in turn, later files replacing earlier ones; it
 * finds an uncompressed archive only at a 4-byte-aligned offset, a compressed one by its magic
 * (init/initramfs.c), so the segment is gzip'd and aligned. The shared image is only read.
 */
public final class GuestInitrd {
  /**
   * The group QEMU runs as here (libvirt's DAC driver): the file is 0640 and of this group when it
   * exists, so QEMU can read it even where libvirt does not relabel kernel and initrd.
   */
  static final String QEMU_GROUP = "libvirt-qemu";

  private static final int ALIGN = 4;
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final String TRAILER = "TRAILER!!!";

  /** One entry of the appended archive: a path relative to the guest's root, mode, content. */
  public record Entry(String path, int mode, byte[] content) {
    /** A directory (mode with the directory type bit), no content. */
    public static Entry directory(String path, int permissions) {
      return new Entry(path, DIRECTORY | permissions, new byte[0]);
    }

    /** A regular file, owned by root in the guest. */
    public static Entry file(String path, int permissions, byte[] content) {
      return new Entry(path, REGULAR | permissions, content.clone());
    }
  }

  private GuestInitrd() {}

  /**
   * Writes {@code out}: {@code base} plus an archive with {@code etc/krb5.keytab} (0600, the bytes
   * of {@code keytab}) and {@code etc/krb5.conf} (0644, {@code krb5Conf}).
   */
  public static void withKeytab(Path base, Path keytab, String krb5Conf, Path out)
      throws IOException {
    append(
        base,
        List.of(
            Entry.directory("etc", 0755),
            Entry.file("etc/krb5.conf", 0644, krb5Conf.getBytes(StandardCharsets.UTF_8)),
            Entry.file("etc/krb5.keytab", 0600, Files.readAllBytes(keytab))),
        out);
  }

  /**
   * Writes {@code out} atomically (a sibling temporary file renamed into place), mode 0640: {@code
   * base}, NULs up to a 4-byte boundary, then {@code entries} as a gzip'd newc archive.
   */
  public static void append(Path base, List<Entry> entries, Path out) throws IOException {
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (OutputStream o = Files.newOutputStream(tmp)) {
        long length = Files.copy(base, o);
        o.write(new byte[(int) ((ALIGN - length % ALIGN) % ALIGN)]);
        try (GZIPOutputStream gz = new GZIPOutputStream(o)) {
          gz.write(newc(entries));
        }
      }
      readableByQemu(tmp);
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** {@code entries} and the trailer as a newc ("070701") cpio archive, owner root, mtime 0. */
  static byte[] newc(List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int ino = 1;
    for (Entry e : entries) {
      boolean dir = (e.mode() & DIRECTORY) != 0;
      member(out, ino++, e.mode(), dir ? 2 : 1, e.path(), e.content());
    }
    member(out, 0, 0, 1, TRAILER, new byte[0]);
    return out.toByteArray();
  }

  private static void member(
      ByteArrayOutputStream out, int ino, int mode, int nlink, String name, byte[] content) {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    String header =
        String.format(
            "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
            ino, mode, 0, 0, nlink, 0, content.length, 0, 0, 0, 0, nameBytes.length, 0);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(nameBytes);
    pad(out);
    out.writeBytes(content);
    pad(out);
  }

  private static void pad(ByteArrayOutputStream out) {
    while (out.size() % ALIGN != 0) {
      out.write(0);
    }
  }

  /** 0640 and, where the group exists, group {@link #QEMU_GROUP}; never world-readable. */
  private static void readableByQemu(Path file) throws IOException {
    try {
      GroupPrincipal group =
          file.getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByGroupName(QEMU_GROUP);
      Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
    } catch (IOException e) {
      // No such group (or not ours to give): libvirt's DAC relabelling still lets QEMU read it.
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
  }
}
