package org.porthole.stack.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A private network like a pod's, for tests: a new network namespace joined to this machine by a
 * veth pair, this machine's end holding {@code 10.253.<n>.1/24} (an {@link ExtraAddress} to serve
 * on) and the namespace's end {@code 10.253.<n>.2/24}. {@link #run} runs a command inside the
 * namespace, whose own loopback is not this machine's. {@link #close()} deletes both. Needs root
 * ({@code ip netns}); fails saying so otherwise.
 */
public final class NetnsPeer implements AutoCloseable {
  private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);

  private final String namespace;
  private final String hostLink;
  private final int subnet;

  private NetnsPeer(String namespace, String hostLink, int subnet) {
    this.namespace = namespace;
    this.hostLink = hostLink;
    this.subnet = subnet;
  }

  /** Creates the namespace and the link, on a 10.253.n.0/24 no interface here uses yet. */
  public static NetnsPeer create() throws IOException {
    if (!OsUser.isRoot()) {
      throw new IllegalStateException(
          "this test creates a network namespace and a veth pair: run it as root");
    }
    long pid = ProcessHandle.current().pid();
    int n = freeSubnet((int) (pid % 200) + 20);
    NetnsPeer peer = new NetnsPeer("porthole-xa-" + pid, "pxa" + pid, n);
    String peerLink = "pxb" + pid;
    try {
      ip("netns", "add", peer.namespace);
      ip("link", "add", peer.hostLink, "type", "veth", "peer", "name", peerLink);
      ip("link", "set", peerLink, "netns", peer.namespace);
      ip("addr", "add", peer.hostAddress() + "/24", "dev", peer.hostLink);
      ip("link", "set", peer.hostLink, "up");
      ip("-n", peer.namespace, "addr", "add", peer.peerAddress() + "/24", "dev", peerLink);
      ip("-n", peer.namespace, "link", "set", peerLink, "up");
      ip("-n", peer.namespace, "link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      peer.close();
      throw e;
    }
    return peer;
  }

  private static int freeSubnet(int first) throws IOException {
    List<String> used = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      nic.inetAddresses().map(InetAddress::getHostAddress).forEach(used::add);
    }
    for (int i = 0; i < 200; i++) {
      int n = (first + i - 20) % 200 + 20;
      String prefix = "10.253." + n + ".";
      if (used.stream().noneMatch(a -> a.startsWith(prefix))) {
        return n;
      }
    }
    throw new IllegalStateException("every 10.253.n.0/24 is in use here");
  }

  /** This machine's end, e.g. 10.253.42.1: the address the stack serves on. */
  public String hostAddress() {
    return "10.253." + subnet + ".1";
  }

  /** The namespace's end, e.g. 10.253.42.2: where the namespace's clients come from. */
  public String peerAddress() {
    return "10.253." + subnet + ".2";
  }

  /** {@code command} inside the namespace (as {@code ip netns exec}); its output. */
  public String run(List<String> command, Duration timeout) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    return ChildProcess.run(full, timeout);
  }

  private static void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    ChildProcess.run(command, IP_TIMEOUT);
  }

  @Override
  public void close() {
    for (String[] args : new String[][] {{"link", "del", hostLink}, {"netns", "del", namespace}}) {
      try {
        ip(args);
      } catch (IOException e) {
        // not created, or already gone with its peer
      }
    }
  }
}
