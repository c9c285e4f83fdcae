package org.porthole.sso.gssapi;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;

/**
 * Writes one ticket as an MIT FILE credential cache, format version 4 (MIT krb5 "Credential cache
 * file format"), the format kinit writes and klist, kvno, ssh and browsers read: the version
 * 0x0504, an empty header, the default principal (the ticket's client), then one credential.
 * Integers are big-endian. The file is created as a temporary file with mode 0600 in the target's
 * directory, then renamed onto the target in one step, so no reader ever sees a partial cache and
 * no other user ever sees the key; it can be given to its user before it appears.
 */
public final class Ccache {
  private static final int VERSION_4 = 0x0504;
  private static final int ADDRTYPE_INET = 2;
  private static final int ADDRTYPE_INET6 = 24;
  private static final int TICKET_FLAG_BITS = 32;
  private static final int INITIAL_CAPACITY = 16 * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private Ccache() {}

  /**
   * Writes {@code ticket} (a TGT) as the only credential of the cache {@code file}, replacing any
   * file there atomically; the cache's default principal is the ticket's client.
   *
   * @throws IllegalStateException when the ticket was destroyed
   */
  public static void write(KerberosTicket ticket, Path file) throws IOException {
    write(ticket, file, temp -> {});
  }

  /**
   * Like {@link #write(KerberosTicket, Path)}, the cache owned by {@code uid}:{@code gid} before it
   * appears under its name, as OpenSSH writes a user's delegated credentials (needs root).
   */
  public static void write(KerberosTicket ticket, Path file, int uid, int gid) throws IOException {
    write(
        ticket,
        file,
        temp -> {
          Files.setAttribute(temp, "unix:uid", uid);
          Files.setAttribute(temp, "unix:gid", gid);
        });
  }

  /** Prepares the written temporary file before it is renamed onto the target. */
  @FunctionalInterface
  private interface BeforeRename {
    void apply(Path temp) throws IOException;
  }

  private static void write(KerberosTicket ticket, Path file, BeforeRename before)
      throws IOException {
    WipedBuffer data = encode(ticket);
    try {
      replace(file.toAbsolutePath(), data, before);
    } finally {
      data.wipe();
    }
  }

  private static void replace(Path target, WipedBuffer data, BeforeRename before)
      throws IOException {
    FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    Path temp = Files.createTempFile(target.getParent(), ".krb5cc-", ".tmp", ownerOnly);
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        data.writeTo(Channels.newOutputStream(channel));
        channel.force(true);
      }
      before.apply(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** The cache's bytes; the caller wipes them after use (they hold the session key). */
  static WipedBuffer encode(KerberosTicket ticket) throws IOException {
    if (ticket.isDestroyed()) {
      throw new IllegalStateException("the ticket was destroyed");
    }
    WipedBuffer buffer = new WipedBuffer();
    try {
      cacheFile(new DataOutputStream(buffer), ticket);
    } catch (IOException | RuntimeException e) {
      buffer.wipe();
      throw e;
    }
    return buffer;
  }

  private static void cacheFile(DataOutputStream out, KerberosTicket ticket) throws IOException {
    out.writeShort(VERSION_4);
    out.writeShort(0); // header length: no header fields
    principal(out, ticket.getClient());
    principal(out, ticket.getClient());
    principal(out, ticket.getServer());
    byte[] key = ticket.getSessionKey().getEncoded();
    try {
      out.writeShort(ticket.getSessionKeyType());
      data(out, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    out.writeInt(seconds(ticket.getAuthTime()));
    out.writeInt(seconds(ticket.getStartTime()));
    out.writeInt(seconds(ticket.getEndTime()));
    out.writeInt(seconds(ticket.getRenewTill()));
    out.writeByte(0); // is_skey: not a user-to-user ticket
    out.writeInt(flagsWord(ticket.getFlags()));
    addresses(out, ticket.getClientAddresses());
    out.writeInt(0); // no authorization data
    data(out, ticket.getEncoded());
    data(out, new byte[0]); // no second ticket
    out.flush();
  }

  /**
   * The ticket flags as MIT stores them: Kerberos flag bit i ({@code getFlags()[i]}, RFC 4120
   * numbering, bit 0 reserved, 1 forwardable, 2 forwarded, ...) is bit {@code 31 - i} of the word,
   * so forwardable is 0x40000000.
   */
  static int flagsWord(boolean[] flags) {
    int word = 0;
    if (flags == null) {
      return word;
    }
    for (int i = 0; i < Math.min(TICKET_FLAG_BITS, flags.length); i++) {
      if (flags[i]) {
        word |= 1 << (TICKET_FLAG_BITS - 1 - i);
      }
    }
    return word;
  }

  /**
   * The name's components, split at '/' and unescaped ('\' quotes the next character, as in "\@");
   * the realm is {@link KerberosPrincipal#getRealm()}.
   */
  static List<String> components(KerberosPrincipal principal) {
    String full = principal.getName();
    String realmSuffix = "@" + principal.getRealm();
    int end = full.endsWith(realmSuffix) ? full.length() - realmSuffix.length() : full.length();
    String name = full.substring(0, end);
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        part.append(name.charAt(++i));
      } else if (c == '/') {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  private static void principal(DataOutputStream out, KerberosPrincipal principal)
      throws IOException {
    List<String> parts = components(principal);
    out.writeInt(principal.getNameType());
    out.writeInt(parts.size());
    data(out, principal.getRealm().getBytes(StandardCharsets.UTF_8));
    for (String part : parts) {
      data(out, part.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void addresses(DataOutputStream out, InetAddress[] addresses) throws IOException {
    if (addresses == null) {
      out.writeInt(0);
      return;
    }
    out.writeInt(addresses.length);
    for (InetAddress address : addresses) {
      if (address instanceof Inet4Address) {
        out.writeShort(ADDRTYPE_INET);
      } else if (address instanceof Inet6Address) {
        out.writeShort(ADDRTYPE_INET6);
      } else {
        throw new IOException("unsupported address type: " + address.getClass().getName());
      }
      data(out, address.getAddress());
    }
  }

  private static void data(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Seconds since the epoch as MIT's unsigned 32-bit time (good until 2106); 0 when absent. */
  private static int seconds(Date time) {
    return time == null ? 0 : (int) (time.getTime() / 1000);
  }

  /** A byte buffer whose contents can be overwritten with zeros once written out. */
  static final class WipedBuffer extends ByteArrayOutputStream {
    WipedBuffer() {
      super(INITIAL_CAPACITY);
    }

    /** Overwrites the bytes (the session key among them) and empties the buffer. */
    void wipe() {
      Arrays.fill(buf, (byte) 0);
      reset();
    }
  }
}
