package org.porthole.bench.relay;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.backend.BackendProcess;
import org.porthole.bench.client.Route;
import org.porthole.bench.report.PathName;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Ports;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.token.Ed25519Key;

/**
 * Porthole's real console path: WebSocket with a valid token → the ws-proxy jar → the host agent's
 * jar over its benchmark hypervisor double (porthole-host-agent-bench.jar, {@code console-backend})
 * → the backend. The agent relays every console to one backend address, so there is one agent per
 * backend mode and the token's {@code host} claim picks it; all share one proxy. The bench plays
 * the engine: it signs the tokens and serves the JWKS.
 */
public final class PortholePath implements RelayPath {
  /** The Origin the bench's clients send and the proxy is told to allow. */
  static final String ORIGIN = "http://localhost:8080";

  /**
   * Same JVM options as the one-machine stack (deploy/local/stack LocalStack) gives the services.
   */
  public static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC");

  /** The agent's main over the benchmark double; the agent's jar brings its lib/ classpath. */
  private static final String BENCHMARK_AGENT = "org.porthole.hostagent.bench.BenchmarkAgent";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int GC_ROUNDS = 2;

  /** Caps the benchmark lifts: far above its largest level (10,000 idle consoles). */
  private static final int UNCAPPED = 1_000_000;

  private final List<ChildProcess> processes = new ArrayList<>();
  private final Map<BackendMode, String> hostIds = new EnumMap<>(BackendMode.class);
  private final PresignedTokens tokens;
  private final JwksServer jwks;
  private final Path pkiDir;
  private int proxyPort;

  private PortholePath(Ed25519Key key, Path pkiDir) throws IOException {
    this.tokens = new PresignedTokens(key);
    this.jwks = JwksServer.start(Map.of(key.kid(), key.publicKey()));
    this.pkiDir = pkiDir;
  }

  /**
   * Starts three agents and one proxy from the built jars under {@code repo}; {@code pingSeconds}
   * for the proxy.
   */
  public static PortholePath start(Path repo, BackendProcess backend, Path runDir, int pingSeconds)
      throws IOException {
    Path agentJar = requireJar(repo, "services/host-agent/target/porthole-host-agent.jar");
    Path agentDouble = requireJar(repo, "services/host-agent/target/porthole-host-agent-bench.jar");
    Path proxyJar = requireJar(repo, "services/ws-proxy/target/porthole-ws-proxy.jar");
    PortholePath path =
        new PortholePath(
            Ed25519Key.generate("bench-key-1"), Files.createDirectories(runDir.resolve("pki")));
    try {
      path.launch(List.of(agentJar, agentDouble), proxyJar, backend, runDir, pingSeconds);
      return path;
    } catch (IOException | RuntimeException e) {
      path.close();
      throw e;
    }
  }

  private void launch(
      List<Path> agentPath, Path proxyJar, BackendProcess backend, Path runDir, int pingSeconds)
      throws IOException {
    Map<String, String> common =
        Map.of("PORTHOLE_JWKS_URL", jwks.url().toString(), "PORTHOLE_PKI_DIR", pkiDir.toString());
    Map<BackendMode, Integer> agentPorts = new EnumMap<>(BackendMode.class);
    for (BackendMode mode : BackendMode.values()) {
      int port = Ports.free();
      String hostId = "localhost:" + port;
      Map<String, String> env = new HashMap<>(common);
      env.put("PORTHOLE_AGENT_PORT", Integer.toString(port));
      env.put("PORTHOLE_AGENT_HOST_ID", hostId);
      env.put("PORTHOLE_AGENT_CONSOLE_BACKEND", "127.0.0.1:" + backend.port(mode));
      env.put("PORTHOLE_KAFKA_BOOTSTRAP", "none");
      processes.add(
          java(
              "host-agent-" + mode.name().toLowerCase(Locale.ROOT),
              List.of("-cp", classPath(agentPath), BENCHMARK_AGENT),
              env,
              runDir));
      agentPorts.put(mode, port);
      hostIds.put(mode, hostId);
    }
    proxyPort = Ports.free();
    Map<String, String> env = new HashMap<>(common);
    env.put("PORTHOLE_PROXY_PORT", Integer.toString(proxyPort));
    env.put("PORTHOLE_PROXY_ADMIN_PORT", "0");
    env.put("PORTHOLE_PROXY_ALLOWED_ORIGINS", ORIGIN);
    env.put("PORTHOLE_PROXY_PING_SECONDS", Integer.toString(pingSeconds));
    // Every benchmark console comes from one client address, as through a load balancer: the
    // proxy's caps on connections not yet authenticated (32 per address) would refuse the idle
    // and connection-rate phases' bursts (64 opening at once), and those phases measure the
    // relay, not the cap (ProxyCapacityIT tests the cap).
    env.put("PORTHOLE_PROXY_UNAUTHENTICATED_PER_ADDRESS", Integer.toString(UNCAPPED));
    env.put("PORTHOLE_PROXY_UNAUTHENTICATED_TOTAL", Integer.toString(UNCAPPED));
    // The benchmark measures relaying; its refusals go nowhere (no broker, as for the agents).
    env.put("PORTHOLE_KAFKA_BOOTSTRAP", "none");
    ChildProcess proxy = java("ws-proxy", List.of("-jar", proxyJar.toString()), env, runDir);
    processes.add(proxy);
    int i = 0;
    for (BackendMode mode : BackendMode.values()) {
      Ports.await(agentPorts.get(mode), START_TIMEOUT, processes.get(i++));
    }
    Ports.await(proxyPort, START_TIMEOUT, proxy);
    pauseForTokenClock();
  }

  /**
   * Agents refuse tokens issued (whole seconds) before they started: let the clock pass a second.
   */
  private static void pauseForTokenClock() {
    try {
      Thread.sleep(1100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Porthole", e);
    }
  }

  private static ChildProcess java(
      String name, List<String> launch, Map<String, String> env, Path runDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(launch);
    return ChildProcess.start(name, command, env, runDir.resolve(name + ".log"));
  }

  private static String classPath(List<Path> jars) {
    return String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
  }

  private static Path requireJar(Path repo, String relative) {
    Path jar = repo.resolve(relative);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it first (./mvnw -B -q -DskipTests install)");
    }
    return jar;
  }

  /**
   * Signs {@code count} tokens for consoles to {@code mode} now, so a phase does not pay for
   * signing.
   */
  public void presignTokens(BackendMode mode, int count) {
    tokens.presign(hostIds.get(mode), count);
  }

  @Override
  public PathName name() {
    return PathName.PORTHOLE;
  }

  @Override
  public Route route(BackendMode mode) {
    String hostId = hostIds.get(mode);
    return Route.webSocket(
        proxyPort, "/v1/console", ORIGIN, () -> "binary, porthole.token." + tokens.next(hostId));
  }

  @Override
  public List<Long> relayProcesses() {
    List<Long> pids = new ArrayList<>();
    processes.forEach(p -> pids.add(p.pid()));
    return pids;
  }

  @Override
  public Map<String, List<Long>> relayGroups() {
    List<Long> all = relayProcesses();
    Map<String, List<Long>> groups = new java.util.LinkedHashMap<>();
    groups.put("ws-proxy", List.of(all.get(all.size() - 1)));
    groups.put("host agents", all.subList(0, all.size() - 1));
    return groups;
  }

  @Override
  public void settleMemory() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    relayProcesses().parallelStream()
        .forEach(
            pid -> {
              try {
                // Twice: the serial collector shrinks an over-grown heap in steps, one per full GC.
                for (int i = 0; i < GC_ROUNDS; i++) {
                  ChildProcess.run(
                      List.of(jcmd, Long.toString(pid), "GC.run"), Duration.ofSeconds(30));
                }
              } catch (IOException e) {
                throw new IllegalStateException(
                    "jcmd GC.run failed for relay process " + pid + ": " + e.getMessage(), e);
              }
            });
  }

  @Override
  public void checkAlive() {
    processes.forEach(ChildProcess::checkAlive);
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    jwks.close();
    deleteTree(pkiDir);
  }

  /** The throwaway CA and keys of this run do not outlive it. */
  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the directory is under the run's temp dir
    }
  }
}
