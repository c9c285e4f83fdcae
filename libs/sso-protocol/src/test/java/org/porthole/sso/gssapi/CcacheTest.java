package org.porthole.sso.gssapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ticket cache on a byte-exact example of MIT's FILE format version 4, its flag word, and the
 * file: owner-only from the start, replaced in one step, nothing left behind.
 */
class CcacheTest {
  /**
   * alice's TGT in EXAMPLE.TEST (forwardable, forwarded, pre-authenticated; an AES-128 session key
   * 00..0f; auth 1000000000, start +1 s, end +10 h; no renewal, addresses nor authorization data).
   */
  private static final String EXPECTED =
      """
      0504 0000
      00000001 00000001 0000000c 4558414d504c452e54455354 00000005 616c696365
      00000001 00000001 0000000c 4558414d504c452e54455354 00000005 616c696365
      00000002 00000002 0000000c 4558414d504c452e54455354
        00000006 6b7262746774 0000000c 4558414d504c452e54455354
      0011 00000010 000102030405060708090a0b0c0d0e0f
      3b9aca00 3b9aca01 3b9b56a0 00000000
      00
      60200000
      00000000
      00000000
      00000005 6103020105
      00000000
      """;

  private static final String TGS = "krbtgt/EXAMPLE.TEST@EXAMPLE.TEST";
  private static final int FORWARDABLE = 1;
  private static final int FORWARDED = 2;
  private static final int PRE_AUTHENT = 10;
  private static final int AES128 = 17; // aes128-cts-hmac-sha1-96

  @TempDir Path dir;

  @Test
  void writesTheTgtByteForByteInMitsFormat() throws Exception {
    Path cache = dir.resolve("krb5cc_1000");
    Ccache.write(aliceTgt(), cache);
    byte[] expected = HexFormat.of().parseHex(EXPECTED.replaceAll("\\s", ""));
    assertThat(Files.readAllBytes(cache)).isEqualTo(expected);
  }

  @Test
  void putsKerberosFlagBitZeroAtTheTopOfTheWord() {
    assertThat(Ccache.flagsWord(null)).isZero();
    assertThat(Ccache.flagsWord(new boolean[] {true})).isEqualTo(0x80000000);
    assertThat(Ccache.flagsWord(new boolean[] {false, true})).isEqualTo(0x40000000);
    boolean[] all = new boolean[32];
    all[31] = true;
    assertThat(Ccache.flagsWord(all)).isEqualTo(1);
    assertThat(Ccache.flagsWord(new boolean[40])).isZero();
  }

  @Test
  void splitsNamesIntoComponentsAndUnescapesThem() {
    KerberosPrincipal host = new KerberosPrincipal("host/guest.example.test@EXAMPLE.TEST");
    assertThat(Ccache.components(host)).containsExactly("host", "guest.example.test");
    KerberosPrincipal odd = new KerberosPrincipal("a\\@b@EXAMPLE.TEST");
    assertThat(Ccache.components(odd)).containsExactly("a@b");
  }

  @Test
  void replacesAnExistingCacheAndKeepsItOwnerOnly() throws Exception {
    Path cache = dir.resolve("krb5cc_1000");
    Files.writeString(cache, "an older cache");
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rw-r--r--"));
    Ccache.write(aliceTgt(), cache);
    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(cache));
    assertThat(mode).isEqualTo("rw-------");
    assertThat(Files.readAllBytes(cache)).startsWith(0x05, 0x04);
    assertThat(filesIn(dir)).containsExactly(cache);
  }

  @Test
  void refusesADestroyedTicketAndLeavesNoFile() throws Exception {
    KerberosTicket tgt = aliceTgt();
    tgt.destroy();
    Path cache = dir.resolve("krb5cc_1000");
    assertThatThrownBy(() -> Ccache.write(tgt, cache)).isInstanceOf(IllegalStateException.class);
    assertThat(filesIn(dir)).isEmpty();
  }

  private static KerberosTicket aliceTgt() {
    KerberosPrincipal alice = new KerberosPrincipal("alice@EXAMPLE.TEST");
    KerberosPrincipal tgs = new KerberosPrincipal(TGS, KerberosPrincipal.KRB_NT_SRV_INST);
    byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    boolean[] flags = new boolean[32];
    flags[FORWARDABLE] = true;
    flags[FORWARDED] = true;
    flags[PRE_AUTHENT] = true;
    Date auth = new Date(1_000_000_000_000L);
    Date start = new Date(1_000_000_001_000L);
    Date end = new Date(1_000_036_000_000L);
    byte[] der = HexFormat.of().parseHex("6103020105");
    return new KerberosTicket(der, alice, tgs, key, AES128, flags, auth, start, end, null, null);
  }

  private static List<Path> filesIn(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }
}
