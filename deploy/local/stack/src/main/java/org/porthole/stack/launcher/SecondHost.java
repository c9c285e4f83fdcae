package org.porthole.stack.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaAccess;
import org.porthole.stack.libvirt.IsolatedLibvirt;

/**
 * A second KVM host for the one-machine stack: a libvirt daemon of its own ({@link
 * IsolatedLibvirt}) and a host agent for it, with its own host id, Kafka user and certificate (the
 * development PKI issues it on start), run inside the daemon's mount namespace so it sees the guest
 * channels where that daemon put them. With it a VM of the stack's libvirt can be live-migrated
 * here and back ({@link #migrateHere}, {@link #migrateBack}), as between two hosts of an estate.
 */
public final class SecondHost implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(120);

  /** Incoming migrations of the second daemon: above the machine daemon's 49152 to 49215. */
  private static final int MIGRATION_PORT_MIN = 49400;

  private final IsolatedLibvirt libvirt;
  private final ChildProcess agent;
  private final String hostId;
  private final int adminPort;
  private boolean closed;

  private SecondHost(IsolatedLibvirt libvirt, ChildProcess agent, String hostId, int adminPort) {
    this.libvirt = libvirt;
    this.agent = agent;
    this.hostId = hostId;
    this.adminPort = adminPort;
  }

  static SecondHost start(
      StackOptions options, KafkaAccess kafka, Map<String, String> common, String name)
      throws IOException {
    int[] ports = Ports.distinct(2);
    String hostId = "localhost:" + ports[0];
    Map<String, String> env = new HashMap<>(common);
    env.putAll(ServiceCommand.environment(kafka.hostAgent(hostId)));
    // Inside the namespace the default libvirt socket is the second daemon's.
    env.putAll(ServiceCommand.hostAgentEnvironment(ports[0], hostId, ports[1]));
    IsolatedLibvirt libvirt =
        IsolatedLibvirt.start(
            options.stateDir().resolve("hosts").resolve(name), MIGRATION_PORT_MIN);
    try {
      Path jar = options.repoRoot().resolve(ServiceCommand.HOST_AGENT_JAR);
      ChildProcess agent =
          ChildProcess.start(
              "host-agent-" + name,
              libvirt.inside(ServiceCommand.java(jar)),
              env,
              options.logDir().resolve("host-agent-" + name + ".log"));
      SecondHost host = new SecondHost(libvirt, agent, hostId, ports[1]);
      try {
        Ports.await(ports[0], START, agent);
      } catch (RuntimeException e) {
        host.close();
        throw e;
      }
      return host;
    } catch (IOException | RuntimeException e) {
      libvirt.close();
      throw e;
    }
  }

  /** The host id its agent serves and its certificate names ({@code localhost:PORT}). */
  public String hostId() {
    return hostId;
  }

  /** Its libvirt daemon. */
  public IsolatedLibvirt libvirt() {
    return libvirt;
  }

  /** Its host agent's process. */
  public ChildProcess agent() {
    return agent;
  }

  /** The agent's admin port: {@code /q/health}, {@code /metrics}. */
  public String agentAdminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  /**
   * Live-migrates {@code domain} from the stack's libvirt to this host ({@link IsolatedLibvirt}).
   */
  public void migrateHere(String domain) throws IOException {
    libvirt.migrateFromMachine(domain);
  }

  /** Live-migrates {@code domain} from this host back to the stack's libvirt. */
  public void migrateBack(String domain) throws IOException {
    libvirt.migrateToMachine(domain);
  }

  /** Stops its agent, then its libvirt (destroying the domains still there). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      agent.close();
    } finally {
      libvirt.close();
    }
  }
}
