package org.porthole.stack.host;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets listening in processes of this test: this JVM and every process it started
 * (children of children included), read from {@code /proc}.
 */
public final class Listeners {
  private static final String LISTEN = "0A";

  private Listeners() {}

  /** A listening socket: its bound address and port, and the process holding it. */
  public record Listener(InetAddress address, int port, long pid) {
    public boolean everyAddress() {
      return address.isAnyLocalAddress();
    }

    @Override
    public String toString() {
      return address.getHostAddress() + ":" + port + " (pid " + pid + ")";
    }
  }

  /** Every socket listening in this JVM or one of its descendants. */
  public static List<Listener> ofThisTest() throws IOException {
    Map<Long, Listener> byInode = new HashMap<>();
    read(Path.of("/proc/net/tcp"), byInode);
    read(Path.of("/proc/net/tcp6"), byInode);
    Set<Long> pids = new HashSet<>();
    pids.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    List<Listener> found = new ArrayList<>();
    for (long pid : pids) {
      for (long inode : socketInodes(pid)) {
        Listener l = byInode.get(inode);
        if (l != null) {
          found.add(new Listener(l.address(), l.port(), pid));
        }
      }
    }
    return found;
  }

  private static void read(Path table, Map<Long, Listener> byInode) throws IOException {
    if (!Files.exists(table)) {
      return;
    }
    try (Stream<String> lines = Files.lines(table)) {
      lines
          .skip(1)
          .map(String::trim)
          .map(l -> l.split("\\s+"))
          .filter(f -> f.length > 9 && LISTEN.equals(f[3]))
          .forEach(f -> byInode.put(Long.parseLong(f[9]), parse(f[1])));
    }
  }

  /** {@code 0100007F:1F90} (IPv4) or 32 hex digits (IPv6), each 32-bit word little-endian. */
  private static Listener parse(String local) {
    String[] hostPort = local.split(":");
    byte[] raw = new BigInteger("1" + hostPort[0], 16).toByteArray();
    byte[] hex = new byte[hostPort[0].length() / 2];
    System.arraycopy(raw, raw.length - hex.length, hex, 0, hex.length);
    byte[] address = new byte[hex.length];
    for (int word = 0; word < hex.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        address[word + i] = hex[word + 3 - i];
      }
    }
    try {
      return new Listener(InetAddress.getByAddress(address), Integer.parseInt(hostPort[1], 16), -1);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable address in /proc/net: " + local, e);
    }
  }

  private static List<Long> socketInodes(long pid) {
    List<Long> inodes = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", "" + pid, "fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[")) {
          inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      }
    } catch (IOException e) {
      // the process ended meanwhile
    }
    return inodes;
  }
}
