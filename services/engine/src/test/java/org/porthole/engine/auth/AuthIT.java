package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.Spnego;
import org.porthole.stack.keycloak.KeycloakAdmin;

/**
 * Sign-in against the real Keycloak and the real MIT KDC: bearer tokens (valid, expired, tampered,
 * forged, of another realm, oversized), Kerberos Negotiate (a real ticket, garbage, a ticket for
 * another service, an oversized header), a user disabled in Keycloak, Keycloak restarted
 * mid-session, and cross-origin writes.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuthIT {

  private static final String ME = "/api/v1/me";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Map<String, Path> TICKET_CACHES = new ConcurrentHashMap<>();

  @Inject DataSource dataSource;

  @TestHTTPResource("/")
  java.net.URL engine;

  // ---- no credentials, bearer tokens ----

  @Test
  void rejectsRequestWithoutCredentialsOfferingBothSchemes() {
    Response response = SignIn.anonymous().redirects().follow(false).get(ME);
    response.then().statusCode(401).body("status", equalTo("SIGN_IN_REQUIRED"));
    assertThat(response.headers().getValues("WWW-Authenticate"))
        .containsExactlyInAnyOrder("Negotiate", "Bearer");
    assertThat(response.header("Location")).isNull();
  }

  @Test
  void bearerTokenSignsInWithDirectoryGroupsAndRole() {
    SignIn.as("alice")
        .get(ME)
        .then()
        .statusCode(200)
        .body("name", equalTo("alice"))
        .body("groups", contains("console-users"))
        .body("admin", equalTo(false));
    SignIn.as("admin")
        .get(ME)
        .then()
        .statusCode(200)
        .body("name", equalTo("admin"))
        .body("groups", contains("admins"))
        .body("admin", equalTo(true));
    SignIn.as("bob")
        .get(ME)
        .then()
        .statusCode(200)
        .body("name", equalTo("bob"))
        .body("admin", equalTo(false));
  }

  @Test
  void publicJwksNeedsNoSignIn() {
    SignIn.anonymous().get("/api/v1/jwks").then().statusCode(200);
  }

  @Test
  void rejectsExpiredToken() throws Exception {
    var keycloak = StackResource.keycloak();
    keycloak.setAccessTokenLifespan(2);
    try {
      String token = SignIn.freshToken("alice");
      long expiresAt = claims(token).get("exp").asLong();
      long start = System.nanoTime();
      await("alice's 2 s token refused")
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> withBearer(token).statusCode() == 401);
      System.out.printf(
          "AuthIT: a 2 s token was refused %d ms after the first try (exp %d)%n",
          Duration.ofNanos(System.nanoTime() - start).toMillis(), expiresAt);
      assertThat(System.currentTimeMillis() / 1000).isGreaterThanOrEqualTo(expiresAt);
      withBearer(token).then().body("status", equalTo("SIGN_IN_REQUIRED"));
    } finally {
      keycloak.setAccessTokenLifespan(300);
    }
  }

  @Test
  void rejectsTamperedPayload() throws Exception {
    String[] parts = SignIn.freshToken("alice").split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"preferred_username\":\"alice\"", "\"preferred_username\":\"admin\"");
    assertThat(payload).contains("\"preferred_username\":\"admin\"");
    assertRefused(parts[0] + "." + b64(payload) + "." + parts[2]);
  }

  @Test
  void rejectsTamperedSignature() {
    String[] parts = SignIn.freshToken("alice").split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    assertRefused(
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
  }

  @Test
  void rejectsUnsignedAlgNoneToken() {
    String[] parts = SignIn.freshToken("admin").split("\\.");
    assertRefused(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".");
  }

  @Test
  void rejectsJunkAndOversizedTokens() {
    for (String junk :
        List.of("junk", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", "\u00e9\u00e9")) {
      assertRefused(junk);
    }
    String[] parts = SignIn.freshToken("alice").split("\\.");
    assertRefused(
        parts[0] + "." + b64("{\"pad\":\"" + "x".repeat(20_000) + "\"}") + "." + parts[2]);
    assertRefused("A".repeat(20 * 1024));
  }

  @Test
  void rejectsTokenOfAnotherRealm() throws Exception {
    var keycloak = StackResource.keycloak();
    String master =
        KeycloakAdmin.passwordGrant(
                keycloak.baseUrl() + "/realms/master",
                "admin-cli",
                "kcadmin",
                Files.readString(keycloak.adminPasswordFile()).strip())
            .path("access_token")
            .asText();
    assertRefused(master);
  }

  // ---- Kerberos Negotiate ----

  @Test
  void kerberosTicketSignsInWithoutPassword() throws Exception {
    Response response = withNegotiate(negotiateToken("alice"));
    response
        .then()
        .statusCode(200)
        .body("name", equalTo("alice"))
        .body("groups", contains("console-users"))
        .body("admin", equalTo(false));
    withNegotiate(negotiateToken("admin"))
        .then()
        .statusCode(200)
        .body("name", equalTo("admin"))
        .body("admin", equalTo(true));
  }

  @Test
  void rejectsGarbageAndTruncatedNegotiate() throws Exception {
    String real = negotiateToken("alice");
    byte[] bytes = Base64.getDecoder().decode(real);
    byte[] half = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    byte[] flipped = bytes.clone();
    flipped[bytes.length - 20] ^= 0x55;
    List<String> bad =
        new ArrayList<>(
            List.of(
                "",
                "AAAA",
                "!!!not base64!!!",
                b64("garbage"),
                Base64.getEncoder().encodeToString(half),
                Base64.getEncoder().encodeToString(flipped),
                Base64.getEncoder().encodeToString(new byte[40_000])));
    for (String token : bad) {
      Response response = withNegotiate(token);
      assertThat(response.statusCode())
          .as("Negotiate '%s…'", token.substring(0, Math.min(12, token.length())))
          .isEqualTo(401);
      response.then().body("status", equalTo("SIGN_IN_REQUIRED"));
    }
    withNegotiate(negotiateToken("alice")).then().statusCode(200);
  }

  @Test
  void rejectsTicketForAServiceTheEngineIsNot() throws Exception {
    Path ccache = ticketCache("alice");
    String forBob =
        Spnego.tokenForPrincipal(
            StackResource.kdc().krb5Conf(), ccache, "alice@" + Kdc.REALM, "bob@" + Kdc.REALM);
    withNegotiate(forBob).then().statusCode(401).body("status", equalTo("SIGN_IN_REQUIRED"));
    withNegotiate(negotiateToken("alice")).then().statusCode(200);
  }

  @Test
  void answersOversizedHeaderWith431AndKeepsServing() throws Exception {
    int status =
        SignIn.anonymous()
            .header("Authorization", "Negotiate " + "A".repeat(70 * 1024))
            .get(ME)
            .statusCode();
    assertThat(status).isEqualTo(431);
    withNegotiate(negotiateToken("alice")).then().statusCode(200);
    SignIn.as("alice").get(ME).then().statusCode(200);
  }

  /**
   * The page's sign-in as a browser with a Kerberos ticket does it: the engine redirects to
   * Keycloak, Keycloak answers Negotiate and redirects back with a code, the engine trades it
   * (PKCE, client secret) for tokens and a session cookie; then pages and the API work with the
   * cookie alone, no password typed anywhere. {@code /logout} ends the session.
   */
  @Test
  void browserWithKerberosTicketSignsInThroughKeycloakWithoutPassword() throws Exception {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI start = engine.toURI().resolve("/");
    HttpResponse<String> toKeycloak =
        browser.send(
            HttpRequest.newBuilder(start).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(toKeycloak.statusCode()).isEqualTo(302);
    URI login = URI.create(toKeycloak.headers().firstValue("Location").orElseThrow());

    HttpResponse<String> challenge =
        browser.send(
            HttpRequest.newBuilder(login).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(challenge.statusCode()).isEqualTo(401);
    HttpResponse<String> back =
        browser.send(
            HttpRequest.newBuilder(login)
                .header(
                    "Authorization", "Negotiate " + negotiateTokenFor("alice", "HTTP@localhost"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    URI callback = URI.create(back.headers().firstValue("Location").orElseThrow());
    assertThat(callback.getQuery()).contains("code=").doesNotContain("error=");

    HttpResponse<String> signedIn =
        browser.send(
            HttpRequest.newBuilder(callback).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).as(signedIn.body()).isIn(200, 302);
    List<String> sessionCookies =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("q_session"))
            .toList();
    assertThat(sessionCookies)
        .as("the session cookie: script cannot read it, other sites cannot send it")
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsIgnoringCase("HttpOnly")
                    .containsIgnoringCase("SameSite=Lax"));
    HttpResponse<String> page =
        browser.send(
            HttpRequest.newBuilder(start).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("<html");
    HttpResponse<String> me =
        browser.send(
            HttpRequest.newBuilder(engine.toURI().resolve(ME)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"name\":\"alice\"");

    HttpResponse<String> logout =
        browser.send(
            HttpRequest.newBuilder(engine.toURI().resolve("/logout")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(logout.statusCode()).isEqualTo(302);
    assertThat(logout.headers().firstValue("Location").orElseThrow())
        .startsWith(StackResource.keycloak().realmUrl() + "/protocol/openid-connect/logout");
    HttpResponse<String> after =
        browser.send(
            HttpRequest.newBuilder(engine.toURI().resolve(ME)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).as("the session cookie no longer signs in").isEqualTo(401);
  }

  // ---- the directory decides ----

  @Test
  void userDisabledInKeycloakIsRefusedAtOnceWithBothSchemes() throws Exception {
    var keycloak = StackResource.keycloak();
    String bearer = SignIn.freshToken("alice");
    withBearer(bearer).then().statusCode(200);
    keycloak.setUserEnabled("alice", false);
    try {
      long start = System.nanoTime();
      await("disabled alice refused")
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> withBearer(bearer).statusCode() == 401);
      long refusedAfter = Duration.ofNanos(System.nanoTime() - start).toMillis();
      System.out.printf(
          "AuthIT: a disabled user's valid token was refused %d ms after the change%n",
          refusedAfter);
      withNegotiate(negotiateToken("alice")).then().statusCode(401);
    } finally {
      keycloak.setUserEnabled("alice", true);
    }
    await("alice enabled again")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> withBearer(bearer).statusCode() == 200);
  }

  @Test
  void keycloakRestartKeepsIssuedTokensAndRefusesForgedOnesAndKerberos() throws Exception {
    String alice = SignIn.freshToken("alice");
    String aliceTicket = negotiateToken("alice");
    String[] parts = alice.split("\\.");
    String forged =
        parts[0]
            + "."
            + b64(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("\"alice\"", "\"admin\""))
            + "."
            + parts[2];
    Map<String, Object> storedBefore = stored();

    StackResource.restartKeycloak(
        () -> {
          assertThat(withBearer(alice).statusCode())
              .as("issued token while Keycloak is down")
              .isEqualTo(200);
          withBearer(alice)
              .then()
              .body("name", equalTo("alice"))
              .body("groups", contains("console-users"));
          assertThat(withBearer(forged).statusCode())
              .as("forged token while Keycloak is down")
              .isEqualTo(401);
          assertThat(withNegotiate(aliceTicket).statusCode())
              .as("Negotiate while the directory is down")
              .isEqualTo(401);
          assertThat(SignIn.anonymous().get(ME).statusCode()).isEqualTo(401);
        });

    withBearer(alice).then().statusCode(200).body("name", equalTo("alice"));
    assertRefused(forged);
    withNegotiate(negotiateToken("alice")).then().statusCode(200);
    assertThat(stored()).isEqualTo(storedBefore);
  }

  // ---- cross-origin writes ----

  /**
   * DNS rebinding: a hostile page on a name that resolves to the engine sends that name as Host and
   * as Origin, so a check against the Host header would pass it. Only the configured public URL
   * ({@code http://porthole.test} in the tests) is the engine's origin.
   */
  @Test
  void refusesWritesFromAnOriginThatMatchesOnlyTheRequestsHostHeader() {
    String path = "/api/v1/vms/" + UUID.randomUUID() + "/consoles";
    String hostOrigin = engine.getProtocol() + "://" + engine.getHost() + ":" + engine.getPort();
    SignIn.as("admin")
        .header("Origin", hostOrigin)
        .post(path)
        .then()
        .statusCode(403)
        .body("status", equalTo("FORBIDDEN"));
    SignIn.as("admin")
        .header("Host", "rebind.evil.example:" + engine.getPort())
        .header("Origin", "http://rebind.evil.example:" + engine.getPort())
        .post(path)
        .then()
        .statusCode(403);
    SignIn.as("admin").header("Origin", "http://porthole.test").post(path).then().statusCode(404);
  }

  @Test
  void refusesCrossOriginWrites() {
    String path = "/api/v1/vms/" + UUID.randomUUID() + "/consoles";
    SignIn.as("admin")
        .header("Origin", "http://evil.example")
        .post(path)
        .then()
        .statusCode(403)
        .body("status", equalTo("FORBIDDEN"));
    SignIn.as("admin").header("Origin", "http://evil.example").delete(path).then().statusCode(403);
    SignIn.as("admin").header("Origin", "null").put(path).then().statusCode(403);
    SignIn.as("admin").header("Origin", "http://porthole.test").post(path).then().statusCode(404);
    SignIn.as("admin").post(path).then().statusCode(404);
    SignIn.as("admin").header("Origin", "http://evil.example").get(ME).then().statusCode(200);
  }

  /** Tokens, tickets and the client secret never reach the engine's log, refused ones included. */
  @Test
  void credentialsAppearInNoLogLine() throws Exception {
    String token = SignIn.freshToken("bob");
    withBearer(token).then().statusCode(200);
    String[] parts = token.split("\\.");
    String tampered =
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    withBearer(tampered).then().statusCode(401);
    String ticket = negotiateToken("bob");
    withNegotiate(ticket).then().statusCode(200);
    String garbage = b64("garbage-negotiate-" + UUID.randomUUID());
    withNegotiate(garbage).then().statusCode(401);

    String log = Files.readString(Path.of("target", "engine-it.log"), StandardCharsets.UTF_8);
    assertThat(log).contains("refused Negotiate");
    for (String secret :
        List.of(
            token,
            parts[1],
            parts[2],
            tampered,
            ticket,
            garbage,
            StackResource.keycloak().engineClientSecret(),
            Kdc.DEMO_USERS.get("bob"))) {
      assertThat(log).as("a credential in the log").doesNotContain(secret);
    }
  }

  // ---- helpers ----

  private static Response withBearer(String token) {
    return SignIn.anonymous().header("Authorization", "Bearer " + token).get(ME);
  }

  private static Response withNegotiate(String token) {
    return SignIn.anonymous().header("Authorization", "Negotiate " + token).get(ME);
  }

  private static void assertRefused(String bearer) {
    Response response = withBearer(bearer);
    assertThat(response.statusCode())
        .as("token %s…", bearer.substring(0, Math.min(16, bearer.length())))
        .isEqualTo(401);
    response.then().body("status", equalTo("SIGN_IN_REQUIRED"));
  }

  /** A fresh SPNEGO token for the engine's HTTP service from {@code user}'s ticket (kinit once). */
  private static String negotiateToken(String user) throws Exception {
    return negotiateTokenFor(user, "HTTP@localhost");
  }

  private static String negotiateTokenFor(String user, String service) throws Exception {
    Kdc kdc = StackResource.kdc();
    return Spnego.token(kdc.krb5Conf(), ticketCache(user), user + "@" + Kdc.REALM, service);
  }

  private static Path ticketCache(String user) throws Exception {
    Path cache = TICKET_CACHES.get(user);
    if (cache == null) {
      cache = Files.createTempFile("porthole-it-" + user, ".ccache");
      StackResource.kdc().kinit(user, Kdc.DEMO_USERS.get(user), cache);
      TICKET_CACHES.put(user, cache);
    }
    return cache;
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static com.fasterxml.jackson.databind.JsonNode claims(String jwt) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  /** What the engine stores that sign-in must never change: keys, hosts, VMs, sessions. */
  private Map<String, Object> stored() throws Exception {
    Map<String, Object> snapshot = new java.util.TreeMap<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String query :
          List.of(
              "select string_agg(kid, ',' order by kid) from signing_keys",
              "select count(*) from hosts",
              "select count(*) from vms",
              "select count(*) from console_sessions")) {
        try (ResultSet rs = s.executeQuery(query)) {
          rs.next();
          snapshot.put(query, rs.getObject(1));
        }
      }
    }
    return snapshot;
  }
}
