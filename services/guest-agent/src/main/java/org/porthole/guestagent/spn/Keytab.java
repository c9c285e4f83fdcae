package org.porthole.guestagent.spn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the principal names out of an MIT keytab (file format version 0x0502, big-endian), without
 * a Kerberos library: the agent needs only "which {@code host/...} principal is this machine". Key
 * bytes are skipped, never copied out of the file buffer, so they cannot reach a log or a reply.
 * Deleted entries (negative size) are skipped; a zero size ends the file as in MIT's reader. Every
 * length is checked against its entry and the file, so a malformed or truncated file is a {@link
 * KeytabException}, never an index error.
 */
public final class Keytab {
  /** Largest keytab read; real ones are a few KiB. */
  public static final int MAX_BYTES = 1024 * 1024;

  private static final int MAGIC = 0x05;
  private static final int VERSION_2 = 0x02;

  /**
   * One keytab entry without its key.
   *
   * @param components the principal's name components ({@code host}, {@code vm1.example.com})
   * @param realm the principal's realm
   * @param kvno the key version number (the 32-bit one when present)
   * @param enctype the key's encryption type number
   */
  public record Entry(List<String> components, String realm, long kvno, int enctype) {
    /** The principal as {@code comp1/comp2@REALM}. */
    public String principal() {
      return String.join("/", components) + "@" + realm;
    }
  }

  private Keytab() {}

  /**
   * The entries of the keytab at {@code path}.
   *
   * @throws NoSuchFileException when there is no keytab
   * @throws KeytabException when the file is not a readable version 2 keytab
   */
  public static List<Entry> read(Path path) throws IOException, KeytabException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new KeytabException("keytab larger than " + MAX_BYTES + " bytes");
    }
    return parse(bytes);
  }

  /** The entries of keytab file contents {@code bytes}. */
  public static List<Entry> parse(byte[] bytes) throws KeytabException {
    if (bytes.length < 2 || bytes[0] != MAGIC) {
      throw new KeytabException("not a keytab file");
    }
    if (bytes[1] != VERSION_2) {
      throw new KeytabException(
          "unsupported keytab version 0x05" + String.format("%02x", bytes[1] & 0xff));
    }
    List<Entry> entries = new ArrayList<>();
    Cursor file = new Cursor(bytes, 2, bytes.length);
    while (file.remaining() > 0) {
      int size = file.int32("entry size");
      if (size == 0) {
        break;
      }
      if (size == Integer.MIN_VALUE) {
        throw new KeytabException("invalid entry size at offset " + (file.pos - 4));
      }
      int length = Math.abs(size);
      if (length > file.remaining()) {
        throw new KeytabException("truncated entry at offset " + (file.pos - 4));
      }
      if (size > 0) {
        entries.add(entry(new Cursor(bytes, file.pos, file.pos + length)));
      }
      file.pos += length;
    }
    return List.copyOf(entries);
  }

  private static Entry entry(Cursor c) throws KeytabException {
    int count = c.uint16("component count");
    String realm = c.countedString("realm");
    List<String> components = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      components.add(c.countedString("name component"));
    }
    c.int32("name type");
    c.int32("timestamp");
    long kvno = c.uint8("key version");
    int enctype = c.uint16("key type");
    c.skip(c.uint16("key length"), "key");
    if (c.remaining() >= 4) {
      long kvno32 = c.int32("key version") & 0xffffffffL;
      if (kvno32 != 0) {
        kvno = kvno32;
      }
    }
    if (count == 0 || realm.isEmpty()) {
      throw new KeytabException("entry without a principal name at offset " + c.start);
    }
    return new Entry(List.copyOf(components), realm, kvno, enctype);
  }

  /** Bounds-checked big-endian reads inside [start, end) of the file buffer. */
  private static final class Cursor {
    private final byte[] bytes;
    private final int start;
    private final int end;
    private int pos;

    Cursor(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.start = start;
      this.end = end;
      this.pos = start;
    }

    int remaining() {
      return end - pos;
    }

    private void need(int n, String what) throws KeytabException {
      if (n < 0 || remaining() < n) {
        throw new KeytabException("truncated " + what + " at offset " + pos);
      }
    }

    int uint8(String what) throws KeytabException {
      need(1, what);
      return bytes[pos++] & 0xff;
    }

    int uint16(String what) throws KeytabException {
      need(2, what);
      int v = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    int int32(String what) throws KeytabException {
      need(4, what);
      int v =
          ((bytes[pos] & 0xff) << 24)
              | ((bytes[pos + 1] & 0xff) << 16)
              | ((bytes[pos + 2] & 0xff) << 8)
              | (bytes[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    String countedString(String what) throws KeytabException {
      int length = uint16(what + " length");
      need(length, what);
      String s = new String(bytes, pos, length, StandardCharsets.UTF_8);
      pos += length;
      return s;
    }

    void skip(int n, String what) throws KeytabException {
      need(n, what);
      pos += n;
    }
  }
}
