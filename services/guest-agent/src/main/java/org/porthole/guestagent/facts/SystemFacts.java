package org.porthole.guestagent.facts;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine facts {@code refresh} reports: operating system, host name, addresses. */
public final class SystemFacts {
  private static final Path HOSTNAME_FILE = Path.of("/proc/sys/kernel/hostname");
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private final Path osRelease;

  /** Facts reading the os-release file at {@code osRelease} (settable for tests). */
  public SystemFacts(Path osRelease) {
    this.osRelease = osRelease;
  }

  /**
   * {@code name}, {@code version}, {@code kernel}, {@code arch}; unknown parts are empty strings.
   */
  public Map<String, Object> os() {
    Map<String, String> release = parseOsRelease(readSmall(osRelease));
    Map<String, Object> os = new LinkedHashMap<>();
    os.put("name", release.getOrDefault("NAME", ""));
    os.put("version", release.getOrDefault("VERSION_ID", ""));
    os.put("kernel", System.getProperty("os.version", ""));
    os.put("arch", System.getProperty("os.arch", ""));
    return os;
  }

  /** The kernel's host name, or what the resolver says, or empty. */
  public String hostname() {
    String name = readSmall(HOSTNAME_FILE).trim();
    if (!name.isEmpty()) {
      return name;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }

  /** Addresses of interfaces that are up, without loopback and link-local ones. */
  public List<String> ips() {
    List<String> ips = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            String text = a.getHostAddress();
            int scope = text.indexOf('%');
            ips.add(scope < 0 ? text : text.substring(0, scope));
          }
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return ips;
  }

  /** KEY=value lines of os-release(5); values may be quoted. */
  static Map<String, String> parseOsRelease(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith("#")) {
        continue;
      }
      String value = line.substring(eq + 1).trim();
      if (value.length() >= 2
          && (value.startsWith("\"") || value.startsWith("'"))
          && value.endsWith(value.substring(0, 1))) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(line.substring(0, eq).trim(), value);
    }
    return out;
  }

  private static String readSmall(Path file) {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_FILE_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
