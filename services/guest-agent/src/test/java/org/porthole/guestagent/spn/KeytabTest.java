package org.porthole.guestagent.spn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeytabTest {
  private static final String KEY = "SUPERSECRETKEYBYTES!";

  @TempDir Path dir;

  /** One version 2 entry as MIT writes it, with a 32-bit kvno trailer. */
  static byte[] entry(String realm, List<String> components, int enctype, String key)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeShort(components.size());
    counted(out, realm);
    for (String c : components) {
      counted(out, c);
    }
    out.writeInt(1);
    out.writeInt(1_700_000_000);
    out.writeByte(3);
    out.writeShort(enctype);
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    out.writeShort(k.length);
    out.write(k);
    out.writeInt(3);
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(framed);
    f.writeInt(body.size());
    f.write(body.toByteArray());
    return framed.toByteArray();
  }

  private static void counted(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  static byte[] keytab(byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(5);
    out.write(2);
    for (byte[] e : entries) {
      out.writeBytes(e);
    }
    return out.toByteArray();
  }

  private static byte[] hole(int size) {
    byte[] b = new byte[4 + size];
    int n = -size;
    b[0] = (byte) (n >>> 24);
    b[1] = (byte) (n >>> 16);
    b[2] = (byte) (n >>> 8);
    b[3] = (byte) n;
    return b;
  }

  @Test
  void readsPrincipalsSkippingDeletedEntries() throws Exception {
    byte[] file =
        keytab(
            entry("EXAMPLE.COM", List.of("HTTP", "web.example.com"), 18, KEY),
            hole(10),
            entry("EXAMPLE.COM", List.of("host", "vm1.example.com"), 17, KEY));
    List<Keytab.Entry> entries = Keytab.parse(file);
    assertEquals(2, entries.size());
    assertEquals("HTTP/web.example.com@EXAMPLE.COM", entries.get(0).principal());
    assertEquals("host/vm1.example.com@EXAMPLE.COM", entries.get(1).principal());
    assertEquals(3, entries.get(1).kvno());
    assertEquals(17, entries.get(1).enctype());
    assertFalse(entries.toString().contains(KEY), "key bytes must not be in the entries");
  }

  @Test
  void spnComesFromTheFirstHostPrincipalOrFromConfiguration() throws Exception {
    Path file = dir.resolve("krb5.keytab");
    Files.write(
        file,
        keytab(
            entry("EXAMPLE.COM", List.of("HTTP", "web"), 18, KEY),
            entry("EXAMPLE.COM", List.of("host", "vm1.example.com"), 18, KEY),
            entry("EXAMPLE.COM", List.of("host", "vm2.example.com"), 18, KEY)));
    assertEquals(
        Optional.of(new SpnSource.Spn("host/vm1.example.com@EXAMPLE.COM", "keytab")),
        new SpnSource(Optional.empty(), file).find());
    assertEquals(
        Optional.of(new SpnSource.Spn("host/cfg@R", "config")),
        new SpnSource(Optional.of("host/cfg@R"), file).find());
    assertEquals(Optional.empty(), new SpnSource(Optional.empty(), dir.resolve("missing")).find());
  }

  @Test
  void noHostPrincipalMeansNoSpn() throws Exception {
    Path file = dir.resolve("krb5.keytab");
    Files.write(file, keytab(entry("EXAMPLE.COM", List.of("HTTP", "web"), 18, KEY)));
    assertEquals(Optional.empty(), new SpnSource(Optional.empty(), file).find());
  }

  @Test
  void rejectsTruncatedKeytabsAtEveryLengthWithoutLeakingKeys() throws Exception {
    byte[] whole = keytab(entry("EXAMPLE.COM", List.of("host", "vm1.example.com"), 18, KEY));
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      if (n == 2) {
        assertEquals(List.of(), Keytab.parse(cut));
        continue;
      }
      KeytabException e =
          assertThrows(KeytabException.class, () -> Keytab.parse(cut), "length " + n);
      assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }
  }

  @Test
  void rejectsMalformedKeytabs() throws Exception {
    assertThrows(
        KeytabException.class,
        () -> Keytab.parse("not a keytab".getBytes(StandardCharsets.US_ASCII)));
    KeytabException v1 = assertThrows(KeytabException.class, () -> Keytab.parse(new byte[] {5, 1}));
    assertTrue(v1.getMessage().contains("version"), v1.getMessage());
    byte[] good = entry("R", List.of("host", "h"), 18, KEY);
    byte[] lying = good.clone();
    lying[3] = (byte) (lying[3] + 100);
    assertThrows(KeytabException.class, () -> Keytab.parse(keytab(lying)));
    byte[] hugeComponent = good.clone();
    hugeComponent[4 + 2 + 2 + 1] = (byte) 0xff;
    assertThrows(KeytabException.class, () -> Keytab.parse(keytab(hugeComponent)));
    assertThrows(
        KeytabException.class, () -> Keytab.parse(keytab(new byte[] {(byte) 0x80, 0, 0, 0})));
    assertThrows(KeytabException.class, () -> Keytab.parse(keytab(entry("", List.of(), 18, KEY))));
  }

  @Test
  void refusesOversizedFiles() throws Exception {
    Path file = dir.resolve("big.keytab");
    byte[] big = new byte[Keytab.MAX_BYTES + 1];
    big[0] = 5;
    big[1] = 2;
    Files.write(file, big);
    assertThrows(KeytabException.class, () -> Keytab.read(file));
  }
}
