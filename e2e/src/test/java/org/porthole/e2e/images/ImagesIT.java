package org.porthole.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.porthole.stack.host.Ports;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * The services' images as {@code ./mvnw -Pimages package} built them: each one's tarball loads with
 * {@code docker load}, is small, names its version and commit, runs as uid 10001 with a read-only
 * root filesystem and a tmpfs {@code /tmp}, and reaches its listening line, on the host's network
 * with the development PKI's TLS files mounted where a cluster mounts them. How fast they start is
 * measured by {@code ./porthole bench --images} ({@link ImageStartBench}), alone on the machine,
 * not here: on a shared machine a start takes what the other work leaves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImagesIT {
  /**
   * Decimal megabytes, as {@code docker image ls} prints them: the budget, for each image
   * (deploy/images/README.md has the sizes measured).
   */
  private static final long SIZE_BUDGET = 120_000_000L;

  private static final String ROOT_UID = "0";

  private ImageLaunches launches;
  private String commit;

  @BeforeAll
  void setUp() throws IOException, InterruptedException {
    launches = ImageLaunches.start("images");
    commit = launches.commit();
  }

  @AfterAll
  void tearDown() {
    if (launches != null) {
      launches.close();
    }
  }

  @Test
  void engineImageStartsHardened() throws Exception {
    ServiceImage image = launches.loaded("engine");
    int port = Ports.free();
    try (HardenedRun run = launches.engine(image, port).start()) {
      assertHardened(image, run, ImageLaunches.SERVICE_UID);
      HttpResponse<String> keys = get("http://127.0.0.1:" + port + "/api/v1/jwks");
      assertThat(keys.statusCode()).as("engine JWKS, log:\n%s", run.log()).isEqualTo(200);
      assertThat(keys.body()).contains("\"OKP\"");
    }
    assertMetadata(image);
  }

  @Test
  void wsProxyImageStartsHardened() throws Exception {
    ServiceImage image = launches.loaded("ws-proxy");
    int fetchesBefore = launches.jwks().requests();
    try (HardenedRun run = launches.wsProxy(image, Ports.free()).start()) {
      assertHardened(image, run, ImageLaunches.SERVICE_UID);
      Poll.until(
          Duration.ofSeconds(20),
          () -> launches.jwks().requests() > fetchesBefore,
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
    ServiceImage image = launches.loaded("host-agent");
    int port = Ports.free();
    String hostId = ImageLaunches.hostId(port);
    String domain = "porthole-images-" + ProcessHandle.current().pid();
    String probe = AgentProbe.defineDomain(launches.work(), domain);
    try (HardenedRun run = launches.hostAgent(image, port).start()) {
      assertHardened(image, run, ROOT_UID);
      assertThat(Ports.isOpen(port)).as("agent's gRPC port, log:\n%s", run.log()).isTrue();
      assertThat(AgentProbe.listedDomains(launches.work().resolve("pki"), hostId))
          .as("domains the agent lists, log:\n%s", run.log())
          .contains(probe);
      String session = UUID.randomUUID().toString();
      try (AgentConsole console =
          AgentProbe.openConsole(
              launches.work().resolve("pki"),
              hostId,
              probe,
              session,
              launches.mint().token(session, probe, hostId))) {
        RfbClient.Result screen = RfbClient.throughPorthole(console);
        assertThat(screen.authenticated()).as("console, log:\n%s", run.log()).isTrue();
        assertThat(screen.width()).as("the guest's screen through the agent").isPositive();
      }
    } finally {
      AgentProbe.removeDomain(domain);
    }
    assertMetadata(image);
  }

  private void assertMetadata(ServiceImage image) {
    long size = image.size();
    System.out.printf("images: %s is %.1f MB%n", image.reference(), size / 1e6);
    assertThat(size).as("%s size in bytes", image.name()).isLessThan(SIZE_BUDGET);
    assertThat(image.user()).isEqualTo(ImageLaunches.SERVICE_UID + ":" + ImageLaunches.SERVICE_UID);
    assertThat(image.labels())
        .containsEntry("org.opencontainers.image.title", "porthole/" + image.name())
        .containsEntry("org.opencontainers.image.version", launches.version())
        .containsEntry("org.opencontainers.image.revision", commit)
        .containsEntry("org.opencontainers.image.source", "services/" + image.name());
  }

  private static void assertHardened(ServiceImage image, HardenedRun run, String uid)
      throws InterruptedException {
    System.out.printf(
        "images: %s listening %d ms after its container started (a shared machine: see"
            + " ./porthole bench --images for the start time)%n",
        image.reference(), run.startToReady().toMillis());
    assertThat(run.processUids()).as("uids of %s", image.name()).containsOnly(uid);
    assertThat(run.processGids()).as("gids of %s", image.name()).containsOnly(uid);
    assertThat(run.readOnlyRoot()).isTrue();
    assertThat(run.running()).isTrue();
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
