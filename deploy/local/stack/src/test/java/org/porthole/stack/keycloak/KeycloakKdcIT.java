package org.porthole.stack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.host.Ports;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.Spnego;

/**
 * Keycloak from its Maven distribution with Porthole's realm, its users' passwords checked by the
 * real MIT KDC through Kerberos user federation. The last test restarts Keycloak on the same state
 * directory and measures both starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakKdcIT {
  private static final Path REALM_JSON =
      Path.of(System.getProperty("porthole.repo", "../../.."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/local/keycloak/porthole-realm.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static Kdc kdc;
  private static Keycloak keycloak;
  private static Duration firstStart;

  @BeforeAll
  static void startBoth() throws Exception {
    kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"));
    long t0 = System.nanoTime();
    keycloak =
        Keycloak.start(dir.resolve("keycloak"), Ports.free(), REALM_JSON, kdc, dir.resolve("logs"));
    firstStart = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println(
        "KeycloakKdcIT: first Keycloak start (unpack + build + import) took "
            + firstStart.toMillis()
            + " ms");
  }

  @AfterAll
  static void stopBoth() {
    if (keycloak != null) {
      keycloak.close();
    }
    if (kdc != null) {
      kdc.close();
    }
  }

  @Test
  @Order(1)
  void aliceSignsInWithHerKerberosPasswordAndCarriesRolesAndGroups() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-cli", "alice", Kdc.DEMO_USERS.get("alice"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode claims = claims(JSON.readTree(r.body()).get("access_token").asText());
    assertThat(claims.get("preferred_username").asText()).isEqualTo("alice");
    assertThat(claims.get("email").asText()).isEqualTo("alice@porthole.test");
    assertThat(claims.get("iss").asText()).isEqualTo(keycloak.realmUrl());
    assertThat(texts(claims.at("/realm_access/roles")))
        .contains("porthole-user")
        .doesNotContain("porthole-admin");
    assertThat(texts(claims.get("groups"))).containsExactly("console-users");
  }

  @Test
  @Order(2)
  void adminCarriesAdminRoleAndGroup() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-cli", "admin", Kdc.DEMO_USERS.get("admin"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode claims = claims(JSON.readTree(r.body()).get("access_token").asText());
    assertThat(texts(claims.at("/realm_access/roles"))).contains("porthole-admin", "porthole-user");
    assertThat(texts(claims.get("groups"))).containsExactly("admins");
  }

  @Test
  @Order(3)
  void bobSignsInWithNoPortholeRoleNorGroup() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-cli", "bob", Kdc.DEMO_USERS.get("bob"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode claims = claims(JSON.readTree(r.body()).get("access_token").asText());
    assertThat(claims.get("preferred_username").asText()).isEqualTo("bob");
    assertThat(texts(claims.at("/realm_access/roles")))
        .doesNotContain("porthole-user", "porthole-admin");
    assertThat(texts(claims.get("groups"))).isEmpty();
  }

  /**
   * Keycloak 26.7 answers a refused password grant with 400 {@code invalid_grant} (RFC 6749 section
   * 5.2), where older releases said 401; the engine maps it to its own 401.
   */
  @Test
  @Order(4)
  void rejectsWrongPasswordAsInvalidGrant() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-cli", "alice", "not-alices-password");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains("invalid_grant", "Invalid user credentials")
        .doesNotContain("access_token");
  }

  @Test
  @Order(5)
  void rejectsUnknownUserLikeAWrongPassword() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-cli", "mallory", "whatever");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains("invalid_grant", "Invalid user credentials")
        .doesNotContain("access_token");
  }

  @Test
  @Order(6)
  void rejectsPasswordGrantThroughTheEngineClient() throws Exception {
    HttpResponse<String> r = passwordGrant("porthole-engine", "alice", Kdc.DEMO_USERS.get("alice"));
    assertThat(r.statusCode()).isBetween(400, 401);
    assertThat(r.body()).doesNotContain("access_token");
  }

  @Test
  @Order(8)
  void secretsNeverReachTheLog() throws Exception {
    String log = Files.readString(dir.resolve("logs/keycloak.log"));
    assertThat(log)
        .doesNotContain(Files.readString(keycloak.adminPasswordFile()).strip())
        .doesNotContain(keycloak.engineClientSecret())
        .doesNotContain(Kdc.DEMO_USERS.get("alice"));
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keycloak.adminPasswordFile())))
        .isEqualTo("rw-------");
  }

  @Test
  @Order(9)
  void secondStartReusesDistributionAndData() throws Exception {
    Path home;
    try (var entries = Files.list(dir.resolve("keycloak"))) {
      home =
          entries
              .filter(p -> p.getFileName().toString().startsWith("keycloak-"))
              .findFirst()
              .orElseThrow();
    }
    Files.writeString(home.resolve("porthole-it-marker"), "unpacked once");
    int port = keycloak.port();
    keycloak.close();
    assertThat(keycloak.isAlive()).isFalse();
    assertThat(Ports.isOpen(port)).as("stopped Keycloak releases its port").isFalse();
    long t0 = System.nanoTime();
    keycloak =
        Keycloak.start(dir.resolve("keycloak"), Ports.free(), REALM_JSON, kdc, dir.resolve("logs"));
    Duration secondStart = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println(
        "KeycloakKdcIT: first start "
            + firstStart.toMillis()
            + " ms, second start "
            + secondStart.toMillis()
            + " ms");
    assertThat(home.resolve("porthole-it-marker")).as("distribution not unpacked again").exists();
    HttpResponse<String> r = passwordGrant("porthole-cli", "alice", Kdc.DEMO_USERS.get("alice"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(secondStart).isLessThan(firstStart);
  }

  /**
   * SPNEGO: with alice's TGT (kinit), the engine client's code flow signs her in without a
   * password: the Negotiate token made from her ticket cache is answered with a redirect that
   * carries a code, and that code buys a token for alice.
   */
  @Test
  @Order(7)
  void aliceWithTgtSignsInWithoutPassword() throws Exception {
    Path ccache = dir.resolve("alice.cc");
    kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache);
    String verifier = Secrets.random(32);
    String challenge =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    String redirect = "http://localhost:8080/callback";
    URI auth =
        URI.create(
            keycloak.realmUrl()
                + "/protocol/openid-connect/auth?client_id=porthole-engine"
                + "&response_type=code&scope=openid&redirect_uri="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&code_challenge="
                + challenge
                + "&code_challenge_method=S256&state=it");
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new java.net.CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResponse<String> challengePage =
        browser.send(
            HttpRequest.newBuilder(auth).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(challengePage.statusCode()).isEqualTo(401);
    assertThat(challengePage.headers().allValues("WWW-Authenticate")).contains("Negotiate");

    String negotiate = Spnego.token(kdc.krb5Conf(), ccache, "alice@" + Kdc.REALM, "HTTP@localhost");
    HttpResponse<String> signedIn =
        browser.send(
            HttpRequest.newBuilder(auth)
                .header("Authorization", "Negotiate " + negotiate)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
    String location = signedIn.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(redirect).contains("code=").doesNotContain("error=");
    String code = queryParam(location, "code");

    String form =
        "grant_type=authorization_code&client_id=porthole-engine&code="
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "&redirect_uri="
            + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
            + "&code_verifier="
            + verifier
            + "&client_secret="
            + URLEncoder.encode(keycloak.engineClientSecret(), StandardCharsets.UTF_8);
    HttpResponse<String> token =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(keycloak.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    JsonNode claims = claims(JSON.readTree(token.body()).get("access_token").asText());
    assertThat(claims.get("preferred_username").asText()).isEqualTo("alice");
    assertThat(texts(claims.get("groups"))).containsExactly("console-users");
  }

  /** One query parameter of a redirect location. */
  private static String queryParam(String location, String name) {
    String query = location.substring(location.indexOf('?') + 1);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no " + name + " in " + location);
  }

  private static HttpResponse<String> passwordGrant(String client, String user, String password)
      throws Exception {
    Map<String, String> form =
        Map.of(
            "grant_type",
            "password",
            "client_id",
            client,
            "username",
            user,
            "password",
            password,
            "scope",
            "openid");
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(keycloak.realmUrl() + "/protocol/openid-connect/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode claims(String jwt) throws Exception {
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
