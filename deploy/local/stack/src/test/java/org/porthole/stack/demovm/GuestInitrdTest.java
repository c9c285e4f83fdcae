package org.porthole.stack.demovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A VM's initramfs is the shared image, NUL-padded to 4 bytes, then a gzip'd newc archive that GNU
 * cpio (as the kernel) reads: the keytab 0600, a krb5.conf, nothing else.
 */
class GuestInitrdTest {
  private static final byte[] KEYTAB = {5, 2, 0, 0, 0, 42, 'k', 'e', 'y', 's'};
  private static final String CONF = "[libdefaults]\n default_realm = PORTHOLE.TEST\n";

  @TempDir Path dir;

  @Test
  void appendsTheKeytabAsAGzipArchiveCpioLists() throws Exception {
    Path out = build(1000);
    byte[] segment = segmentAfter(out, 1000);
    assertThat(cpio(segment, "-t")).isEqualTo("etc\netc/krb5.conf\netc/krb5.keytab\n");
    assertThat(cpio(segment, "-tv"))
        .containsPattern("(?m)^-rw------- .* root +root .* etc/krb5\\.keytab$")
        .containsPattern("(?m)^-rw-r--r-- .* etc/krb5\\.conf$")
        .containsPattern("(?m)^drwxr-xr-x .* etc$");
    Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
    cpioIn(segment, unpacked);
    assertThat(Files.readAllBytes(unpacked.resolve("etc/krb5.keytab"))).isEqualTo(KEYTAB);
    assertThat(Files.readString(unpacked.resolve("etc/krb5.conf"))).isEqualTo(CONF);
  }

  @Test
  void keepsTheSharedImageUntouched() throws Exception {
    Path base = base(1001);
    byte[] before = Files.readAllBytes(base);
    FileTime modified = Files.getLastModifiedTime(base);
    Path out = dir.resolve("initrd-vm.img");
    GuestInitrd.withKeytab(base, keytab(), CONF, out);
    assertThat(Files.readAllBytes(base)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(base)).isEqualTo(modified);
    assertThat(Arrays.copyOf(Files.readAllBytes(out), before.length)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1002, 1003})
  void padsTheBaseToFourBytes(int length) throws Exception {
    Path out = build(length);
    byte[] bytes = Files.readAllBytes(out);
    int aligned = (length + 3) / 4 * 4;
    for (int i = length; i < aligned; i++) {
      assertThat(bytes[i]).as("padding byte %d", i).isZero();
    }
    assertThat(bytes[aligned]).as("gzip magic at the aligned offset").isEqualTo((byte) 0x1f);
    assertThat(bytes[aligned + 1]).isEqualTo((byte) 0x8b);
  }

  @Test
  void theImageIsNotWorldReadableAndReplacesAnOlderOne() throws Exception {
    Path out = dir.resolve("initrd-vm.img");
    Files.writeString(out, "an older image");
    GuestInitrd.withKeytab(base(1000), keytab(), CONF, out);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-r-----");
    assertThat(Files.size(out)).isGreaterThan(1000);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file left")
          .containsExactlyInAnyOrder("base.img", "keytab", "initrd-vm.img");
    }
  }

  @Test
  void newcEntriesAndTrailerAreFourByteAligned() {
    byte[] archive =
        GuestInitrd.newc(List.of(GuestInitrd.Entry.file("a", 0600, new byte[] {1, 2, 3})));
    String text = new String(archive, StandardCharsets.US_ASCII);
    assertThat(archive.length % 4).isZero();
    assertThat(text).startsWith("070701").contains("TRAILER!!!");
    // header 110 + "a\0" = 112, data 3 padded to 4: the trailer's header starts at 116
    assertThat(text.substring(116, 122)).isEqualTo("070701");
  }

  private Path build(int baseLength) throws IOException {
    Path out = dir.resolve("initrd-vm.img");
    GuestInitrd.withKeytab(base(baseLength), keytab(), CONF, out);
    return out;
  }

  private Path base(int length) throws IOException {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i % 251 + 1); // no NULs, so padding is told apart
    }
    return Files.write(dir.resolve("base.img"), bytes);
  }

  private Path keytab() throws IOException {
    return Files.write(dir.resolve("keytab"), KEYTAB);
  }

  private static byte[] segmentAfter(Path out, int baseLength) throws IOException {
    byte[] bytes = Files.readAllBytes(out);
    int aligned = (baseLength + 3) / 4 * 4;
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(bytes, aligned, bytes.length - aligned))) {
      return in.readAllBytes();
    }
  }

  private static String cpio(byte[] archive, String mode) throws Exception {
    return run(List.of("cpio", mode, "--quiet"), archive, null);
  }

  private static void cpioIn(byte[] archive, Path into) throws Exception {
    run(List.of("cpio", "-i", "-d", "--quiet", "--no-absolute-filenames"), archive, into);
  }

  private static String run(List<String> command, byte[] stdin, Path cwd) throws Exception {
    ProcessBuilder b = new ProcessBuilder(command);
    if (cwd != null) {
      b.directory(cwd.toFile());
    }
    Process p = b.redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
