package org.porthole.guestagent.spn;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz target for the keytab the guest agent reads to name its host principal: any file contents
 * are entries that an MIT-format writer writes back to the same entries, or a {@link
 * KeytabException}, never another exception. Seeds in {@code KeytabFuzzTestInputs/}; {@code
 * ./porthole fuzz} fuzzes it for a fixed budget.
 */
class KeytabFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyFileIsEntriesThatRoundTripOrRefused(byte[] bytes) throws IOException {
    List<Keytab.Entry> entries;
    try {
      entries = Keytab.parse(bytes);
    } catch (KeytabException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    for (Keytab.Entry entry : entries) {
      assertThat(entry.components()).isNotEmpty();
      assertThat(entry.realm()).isNotEmpty();
    }
    try {
      assertThat(Keytab.parse(write(entries))).isEqualTo(entries);
    } catch (KeytabException e) {
      throw new AssertionError("a keytab written from parsed entries is refused", e);
    }
  }

  /** MIT's version 2 layout, with the 32-bit kvno trailer and a one-byte stand-in key. */
  private static byte[] write(List<Keytab.Entry> entries) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(file);
    out.writeShort(0x0502);
    for (Keytab.Entry entry : entries) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream b = new DataOutputStream(body);
      b.writeShort(entry.components().size());
      counted(b, entry.realm());
      for (String component : entry.components()) {
        counted(b, component);
      }
      b.writeInt(1); // KRB5_NT_PRINCIPAL
      b.writeInt(0);
      b.writeByte((int) Math.min(entry.kvno(), 255));
      b.writeShort(entry.enctype());
      b.writeShort(1);
      b.writeByte(0);
      b.writeInt((int) entry.kvno());
      out.writeInt(body.size());
      out.write(body.toByteArray());
    }
    return file.toByteArray();
  }

  private static void counted(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }
}
