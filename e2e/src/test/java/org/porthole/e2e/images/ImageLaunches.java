package org.porthole.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.porthole.pki.ServiceIdentity;
import org.porthole.stack.host.Ports;
import org.porthole.stack.postgres.Postgres;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;

/**
 * The three service images started as a cluster starts them, with what they need around them on
 * this machine: a PostgreSQL for the engine, a JWKS for the ws-proxy and the host agent, the
 * development PKI's files mounted where the chart mounts them, and a Kafka address where nothing
 * listens (the services start without their broker). Used by {@link ImagesIT}, which checks what
 * the images are, and by {@link ImageStartBench}, which times how fast they start.
 */
final class ImageLaunches implements AutoCloseable {
  static final String SERVICE_UID = "10001";

  /** Each one's listening line: the container counts as started when its log shows it. */
  private static final Pattern ENGINE_READY = Pattern.compile("Listening on: http");

  private static final Pattern WS_PROXY_READY = Pattern.compile("ws-proxy listening on");
  private static final Pattern AGENT_READY =
      Pattern.compile("serving gRPC \\(mutual TLS\\) on .* hypervisor qemu:///system");

  private final Path repo;
  private final Path work;
  private final String version;
  private final TokenMint mint;
  private final JwksServer jwks;
  private final Postgres postgres;
  private final String noBroker;

  private ImageLaunches(
      Path repo,
      Path work,
      String version,
      Postgres postgres,
      String noBroker,
      TokenMint mint,
      JwksServer jwks) {
    this.repo = repo;
    this.work = work;
    this.version = version;
    this.postgres = postgres;
    this.noBroker = noBroker;
    this.mint = mint;
    this.jwks = jwks;
  }

  /** Starts the PostgreSQL and the JWKS under {@code e2e/target/<name>-<pid>}. */
  static ImageLaunches start(String name) throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
    String version = System.getProperty("porthole.version");
    assertThat(version).as("system property porthole.version (the e2e pom sets it)").isNotBlank();
    Path work =
        Files.createDirectories(
            repo.resolve("e2e/target/" + name + "-" + ProcessHandle.current().pid()));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    int[] ports = Ports.distinct(2);
    Postgres postgres = Postgres.start(work.resolve("postgres/data"), ports[0], work);
    TokenMint mint = new TokenMint();
    try {
      return new ImageLaunches(
          repo, work, version, postgres, "127.0.0.1:" + ports[1], mint, JwksServer.start(mint));
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  Path work() {
    return work;
  }

  String version() {
    return version;
  }

  TokenMint mint() {
    return mint;
  }

  JwksServer jwks() {
    return jwks;
  }

  /** The image, removed and loaded again from its tarball (what is then run). */
  ServiceImage loaded(String name) {
    ServiceImage image = new ServiceImage(name, version, repo);
    String built = image.inspect().getId();
    assertThat(image.reloadFromTarball()).as("%s loaded from its tarball", name).isEqualTo(built);
    return image;
  }

  /** The engine on {@code port}, without Keycloak: sign-in is set up on first use. */
  HardenedRun.Builder engine(ServiceImage image, int port) throws IOException {
    MountedFiles files = files("engine", ServiceIdentity.engine(), 10001);
    Map<String, String> env = new HashMap<>(MountedFiles.environment(noBroker, "porthole-engine"));
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("PORTHOLE_DB_URL", postgres.jdbcUrl());
    env.put("PORTHOLE_DB_USER", postgres.user());
    env.put("PORTHOLE_DB_PASSWORD", postgres.password());
    env.put("PORTHOLE_OIDC_URL", "http://127.0.0.1:" + Ports.free() + "/realms/porthole");
    env.put("PORTHOLE_OIDC_CLIENT_SECRET", "no-keycloak-here");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    return withFiles(HardenedRun.of(image, ENGINE_READY), files).env(env);
  }

  /** The ws-proxy on {@code port}, its keys from this JWKS. */
  HardenedRun.Builder wsProxy(ServiceImage image, int port) throws IOException {
    MountedFiles files = files("ws-proxy", ServiceIdentity.wsProxy(), 10001);
    Map<String, String> env =
        new HashMap<>(MountedFiles.environment(noBroker, "porthole-ws-proxy"));
    env.put("PORTHOLE_PROXY_PORT", Integer.toString(port));
    env.put("PORTHOLE_PROXY_ADMIN_PORT", "0");
    env.put("PORTHOLE_JWKS_URL", jwks.url().toString());
    return withFiles(HardenedRun.of(image, WS_PROXY_READY), files).env(env);
  }

  /**
   * The host agent of host {@code localhost:<port>}, as root with every capability dropped, on this
   * machine's libvirt through the mounted socket directory (ImagesIT says why root).
   */
  HardenedRun.Builder hostAgent(ServiceImage image, int port) throws IOException {
    String hostId = hostId(port);
    MountedFiles files = files("host-agent", ServiceIdentity.hostAgent(hostId), 0);
    Map<String, String> env =
        new HashMap<>(MountedFiles.environment(noBroker, "porthole-host-localhost"));
    env.put("PORTHOLE_AGENT_PORT", Integer.toString(port));
    env.put("PORTHOLE_AGENT_HOST_ID", hostId);
    env.put("PORTHOLE_AGENT_LIBVIRT_URI", "qemu:///system");
    env.put("PORTHOLE_AGENT_ADMIN_PORT", "0");
    env.put("PORTHOLE_JWKS_URL", jwks.url().toString());
    return withFiles(HardenedRun.of(image, AGENT_READY), files)
        .mountWritable(Path.of("/var/run/libvirt"), "/var/run/libvirt")
        .user("0:0")
        .env(env);
  }

  static String hostId(int port) {
    return "localhost:" + port;
  }

  /** The commit the tree is at, which the images' revision label must name. */
  String commit() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "HEAD")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as("git rev-parse HEAD: %s", out).isZero();
    return out;
  }

  private MountedFiles files(String name, ServiceIdentity identity, int uid) throws IOException {
    return MountedFiles.create(work.resolve("pki"), identity, work.resolve(name), uid);
  }

  private static HardenedRun.Builder withFiles(HardenedRun.Builder run, MountedFiles files) {
    return run.mount(files.tlsDir(), MountedFiles.TLS_DIR)
        .mount(files.kafkaDir(), MountedFiles.KAFKA_DIR);
  }

  @Override
  public void close() {
    jwks.close();
    postgres.close();
  }
}
