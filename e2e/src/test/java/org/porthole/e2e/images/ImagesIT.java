package org.porthole.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.porthole.pki.ServiceIdentity;
import org.porthole.stack.host.Ports;
import org.porthole.stack.postgres.Postgres;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;

/**
 * The services' images as {@code ./mvnw -Pimages package} built them: each one's tarball loads with
 * {@code docker load}, is small, names its version and commit, runs as uid 10001 with a read-only
 * root filesystem and a tmpfs {@code /tmp}, and reaches its listening line within 3 s of the
 * container's start, on the host's network with the development PKI's TLS files mounted where a
 * cluster mounts them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImagesIT {
  /**
   * Decimal megabytes, as {@code docker image ls} prints them: the budget, for each image
   * (deploy/images/README.md has the sizes measured).
   */
  private static final long SIZE_BUDGET = 120_000_000L;

  /**
   * The start budget, on a machine with a core free for the service. It is multiplied by
   * the run queue per core (the 1-minute load average over the cores, when above 1): on the shared
   * 2-core machine with other builds running (load 9-12) the same images took 5.7-9.2 s.
   */
  private static final Duration START_BUDGET = Duration.ofSeconds(3);

  private static final String SERVICE_UID = "10001";
  private static final String ROOT_UID = "0";

  private Path repo;
  private Path work;
  private String version;
  private String commit;
  private TokenMint mint;
  private JwksServer jwks;
  private Postgres postgres;

  /** Where the services' Kafka clients are pointed: nothing listens there. */
  private String noBroker;

  @BeforeAll
  void setUp() throws IOException, InterruptedException {
    repo = Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
    version = System.getProperty("porthole.version");
    assertThat(version).as("system property porthole.version (the e2e pom sets it)").isNotBlank();
    commit = git("rev-parse", "HEAD");
    work =
        Files.createDirectories(repo.resolve("e2e/target/images-" + ProcessHandle.current().pid()));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    int[] ports = Ports.distinct(2);
    postgres = Postgres.start(work.resolve("postgres/data"), ports[0], work);
    noBroker = "127.0.0.1:" + ports[1];
    mint = new TokenMint();
    jwks = JwksServer.start(mint);
  }

  @AfterAll
  void tearDown() {
    if (jwks != null) {
      jwks.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void engineImageStartsHardenedWithinBudget() throws Exception {
    ServiceImage image = loaded("engine");
    int port = Ports.free();
    MountedFiles files = files("engine", ServiceIdentity.engine(), 10001);
    Map<String, String> env = new HashMap<>(MountedFiles.environment(noBroker, "porthole-engine"));
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("PORTHOLE_DB_URL", postgres.jdbcUrl());
    env.put("PORTHOLE_DB_USER", postgres.user());
    env.put("PORTHOLE_DB_PASSWORD", postgres.password());
    // No Keycloak here: sign-in is set up on first use, the start does not wait for it.
    env.put("PORTHOLE_OIDC_URL", "http://127.0.0.1:" + Ports.free() + "/realms/porthole");
    env.put("PORTHOLE_OIDC_CLIENT_SECRET", "no-keycloak-here");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    try (HardenedRun run =
        withFiles(HardenedRun.of(image, Pattern.compile("Listening on: http")), files)
            .env(env)
            .start()) {
      assertHardened(image, run, SERVICE_UID);
      HttpResponse<String> keys = get("http://127.0.0.1:" + port + "/api/v1/jwks");
      assertThat(keys.statusCode()).as("engine JWKS, log:\n%s", run.log()).isEqualTo(200);
      assertThat(keys.body()).contains("\"OKP\"");
    }
    assertMetadata(image);
  }

  @Test
  void wsProxyImageStartsHardenedWithinBudget() throws Exception {
    ServiceImage image = loaded("ws-proxy");
    MountedFiles files = files("ws-proxy", ServiceIdentity.wsProxy(), 10001);
    Map<String, String> env =
        new HashMap<>(MountedFiles.environment(noBroker, "porthole-ws-proxy"));
    env.put("PORTHOLE_PROXY_PORT", Integer.toString(Ports.free()));
    env.put("PORTHOLE_PROXY_ADMIN_PORT", "0");
    env.put("PORTHOLE_JWKS_URL", jwks.url().toString());
    int fetchesBefore = jwks.requests();
    try (HardenedRun run =
        withFiles(HardenedRun.of(image, Pattern.compile("ws-proxy listening on")), files)
            .env(env)
            .start()) {
      assertHardened(image, run, SERVICE_UID);
      Poll.until(
          Duration.ofSeconds(20),
          () -> jwks.requests() > fetchesBefore,
          () -> "the ws-proxy never fetched the JWKS; its log:\n" + run.log());
    }
    assertMetadata(image);
  }

  /**
   * The host agent runs as root with every capability dropped: libvirtd (Debian's 9.0) refuses a
   * peer whose uid or gid is no user or group of the host ({@code Failed to find user record for
   * uid '10001'}, then {@code Failed to find group record}) before any authentication, so even
   * {@code auth_unix_rw = "none"} with the socket's libvirt group does not admit uid 10001 unless
   * the host has a user and a group 10001 (deploy/images/README.md). As root it reaches {@code
   * qemu:///system} through the mounted socket, which its listening line shows, lists a domain
   * started for the test and opens its console (RFB through the agent, as the ws-proxy asks),
   * through the libvirt client library of its image (with ICU's stub data library in place of ICU's
   * data).
   */
  @Test
  void hostAgentImageReachesLibvirtThroughTheMountedSocket() throws Exception {
    ServiceImage image = loaded("host-agent");
    int port = Ports.free();
    String hostId = "localhost:" + port;
    MountedFiles files = files("host-agent", ServiceIdentity.hostAgent(hostId), 0);
    Map<String, String> env =
        new HashMap<>(MountedFiles.environment(noBroker, "porthole-host-localhost"));
    env.put("PORTHOLE_AGENT_PORT", Integer.toString(port));
    env.put("PORTHOLE_AGENT_HOST_ID", hostId);
    env.put("PORTHOLE_AGENT_LIBVIRT_URI", "qemu:///system");
    env.put("PORTHOLE_AGENT_ADMIN_PORT", "0");
    env.put("PORTHOLE_JWKS_URL", jwks.url().toString());
    Pattern ready =
        Pattern.compile("serving gRPC \\(mutual TLS\\) on .* hypervisor qemu:///system");
    String domain = "porthole-images-" + ProcessHandle.current().pid();
    String probe = AgentProbe.defineDomain(work, domain);
    try (HardenedRun run =
        withFiles(HardenedRun.of(image, ready), files)
            .mountWritable(Path.of("/var/run/libvirt"), "/var/run/libvirt")
            .user("0:0")
            .env(env)
            .start()) {
      assertHardened(image, run, ROOT_UID);
      assertThat(Ports.isOpen(port)).as("agent's gRPC port, log:\n%s", run.log()).isTrue();
      assertThat(AgentProbe.listedDomains(work.resolve("pki"), hostId))
          .as("domains the agent lists, log:\n%s", run.log())
          .contains(probe);
      String session = UUID.randomUUID().toString();
      try (AgentConsole console =
          AgentProbe.openConsole(
              work.resolve("pki"), hostId, probe, session, mint.token(session, probe, hostId))) {
        RfbClient.Result screen = RfbClient.throughPorthole(console);
        assertThat(screen.authenticated()).as("console, log:\n%s", run.log()).isTrue();
        assertThat(screen.width()).as("the guest's screen through the agent").isPositive();
      }
    } finally {
      AgentProbe.removeDomain(domain);
    }
    assertMetadata(image);
  }

  /** The image, removed and loaded again from its tarball (what the test then runs). */
  private ServiceImage loaded(String name) {
    ServiceImage image = new ServiceImage(name, version, repo);
    String built = image.inspect().getId();
    assertThat(image.reloadFromTarball()).as("%s loaded from its tarball", name).isEqualTo(built);
    return image;
  }

  private void assertMetadata(ServiceImage image) {
    long size = image.size();
    System.out.printf("images: %s is %.1f MB%n", image.reference(), size / 1e6);
    assertThat(size).as("%s size in bytes", image.name()).isLessThan(SIZE_BUDGET);
    assertThat(image.user()).isEqualTo(SERVICE_UID + ":" + SERVICE_UID);
    assertThat(image.labels())
        .containsEntry("org.opencontainers.image.title", "porthole/" + image.name())
        .containsEntry("org.opencontainers.image.version", version)
        .containsEntry("org.opencontainers.image.revision", commit)
        .containsEntry("org.opencontainers.image.source", "services/" + image.name());
  }

  private void assertHardened(ServiceImage image, HardenedRun run, String uid)
      throws InterruptedException {
    Duration startup = run.startToReady();
    System.out.printf(
        "images: %s listening %d ms after its container started%n",
        image.reference(), startup.toMillis());
    assertThat(run.processUids()).as("uids of %s", image.name()).containsOnly(uid);
    assertThat(run.processGids()).as("gids of %s", image.name()).containsOnly(uid);
    assertThat(run.readOnlyRoot()).isTrue();
    assertThat(run.running()).isTrue();
    double load = loadPerCore();
    Duration budget =
        START_BUDGET.multipliedBy(Math.round(Math.max(1, load) * 1000)).dividedBy(1000);
    System.out.printf(
        "images: %s start budget %d ms (load %.1f per core)%n",
        image.reference(), budget.toMillis(), load);
    assertThat(startup).as("%s start to listening", image.name()).isLessThan(budget);
  }

  /** The 1-minute load average over the cores this JVM may use. */
  private static double loadPerCore() {
    try {
      String avg = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
      return Double.parseDouble(avg.split(" ")[0]) / Runtime.getRuntime().availableProcessors();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MountedFiles files(String name, ServiceIdentity identity, int uid) throws IOException {
    return MountedFiles.create(work.resolve("pki"), identity, work.resolve(name), uid);
  }

  private static HardenedRun.Builder withFiles(HardenedRun.Builder run, MountedFiles files) {
    return run.mount(files.tlsDir(), MountedFiles.TLS_DIR)
        .mount(files.kafkaDir(), MountedFiles.KAFKA_DIR);
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private String git(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 3];
    command[0] = "git";
    command[1] = "-C";
    command[2] = repo.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    return out;
  }
}
