package org.porthole.e2e.images;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

/**
 * Asks a host agent what the engine asks it, over mutual TLS with the engine's identity from the
 * development PKI; and defines a domain on the host, through {@code virsh}, for it to find.
 */
final class AgentProbe {
  private static final long DEADLINE_SECONDS = 30;

  private AgentProbe() {}

  /** The UUIDs of the domains the agent at {@code hostId} (host:port) lists. */
  static List<String> listedDomains(Path pki, String hostId) throws InterruptedException {
    ManagedChannel channel = channel(pki, ServiceIdentity.engine(), hostId);
    try {
      return HostAgentGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .listDomains(ListDomainsRequest.getDefaultInstance())
          .getDomainsList()
          .stream()
          .map(Domain::getUuid)
          .toList();
    } finally {
      channel.shutdownNow().awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * Opens a console of VM {@code vmUuid} as the engine and the ws-proxy do: the engine prepares
   * session {@code sessionId}, the ws-proxy opens it with {@code token} (the session's).
   */
  static AgentConsole openConsole(
      Path pki, String hostId, String vmUuid, String sessionId, String token)
      throws InterruptedException {
    ManagedChannel engine = channel(pki, ServiceIdentity.engine(), hostId);
    try {
      HostAgentGrpc.newBlockingStub(engine)
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .prepareConsole(
              PrepareConsoleRequest.newBuilder()
                  .setVmUuid(vmUuid)
                  .setSessionId(sessionId)
                  .setMode("interactive")
                  .setValidSeconds(60)
                  .build());
    } finally {
      engine.shutdownNow().awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
    return AgentConsole.open(channel(pki, ServiceIdentity.wsProxy(), hostId), token);
  }

  private static ManagedChannel channel(Path pki, ServiceIdentity caller, String hostId) {
    TlsFiles files = DevPki.ensure(pki, caller);
    return Grpc.newChannelBuilder(
            hostId, files.channelCredentials(ServiceIdentity.hostAgent(hostId)))
        .build();
  }

  /**
   * Defines and starts a small domain in {@code qemu:///system} named {@code name} (no disk: its
   * firmware finds nothing to boot and waits), with a VNC display on loopback behind a password
   * nobody knows (the agent sets its own per console); returns its UUID. Other tests define and
   * remove domains at the same time, so a test looks for this one in the agent's answer rather than
   * comparing whole lists.
   */
  static String defineDomain(Path dir, String name) throws IOException, InterruptedException {
    Path xml = dir.resolve(name + ".xml");
    Files.writeString(
        xml,
        "<domain type='qemu'><name>"
            + name
            + "</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>"
            + "<os><type arch='x86_64'>hvm</type></os>"
            + "<devices><graphics type='vnc' listen='127.0.0.1' autoport='yes' passwd='"
            + UUID.randomUUID().toString().substring(0, 8)
            + "'/></devices>"
            + "</domain>",
        StandardCharsets.UTF_8);
    virsh("define", xml.toString());
    virsh("start", name);
    return virsh("domuuid", name).trim();
  }

  static void removeDomain(String name) throws IOException, InterruptedException {
    try {
      virsh("destroy", name);
    } catch (IllegalStateException notRunning) {
      // it did not start, or stopped: undefine is what is left
    }
    virsh("undefine", name);
  }

  private static String virsh(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", "qemu:///system"));
    command.addAll(List.of(args));
    Process virsh = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(virsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (virsh.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
