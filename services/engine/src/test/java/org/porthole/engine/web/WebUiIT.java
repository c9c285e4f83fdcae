package org.porthole.engine.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The engine serves the web viewer (clients/viewer's jar) at / to signed-in users; a browser that
 * is not signed in is sent to Keycloak's login (code flow with PKCE), which accepts the engine's
 * redirect URI. Pages carry a strict Content-Security-Policy and are revalidated on each load; a
 * request that could be smuggled is refused and its connection closed.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class WebUiIT {

  @TestHTTPResource("/")
  URI engine;

  @Test
  void servesTheVmListPage() {
    given().get("/").then().statusCode(200).contentType(containsString("text/html"));
  }

  @Test
  void unknownApiPathIsNotFoundInTheErrorFormat() {
    given()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(404)
        .body("status", equalTo("NOT_FOUND"));
  }

  @Test
  void servesTheConsolePageAndItsScript() {
    given().get("/console.html").then().statusCode(200).contentType(containsString("text/html"));
    given().get("/js/console.js").then().statusCode(200);
  }

  @Test
  void pageWithoutSignInRedirectsToKeycloakLogin() throws Exception {
    Response page = SignIn.anonymous().redirects().follow(false).get("/");
    page.then().statusCode(302);
    String location = page.header("Location");
    assertThat(location)
        .startsWith(StackResource.keycloak().realmUrl() + "/protocol/openid-connect/auth?")
        .contains("client_id=porthole-engine", "code_challenge=", "code_challenge_method=S256");

    HttpResponse<String> login =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(location)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    // Keycloak's browser flow tries Kerberos first: 401 with a Negotiate challenge, the form as
    // fallback.
    assertThat(login.statusCode())
        .as("Keycloak accepts the engine's redirect URI: " + login.body())
        .isEqualTo(401);
    assertThat(login.headers().allValues("WWW-Authenticate")).contains("Negotiate");
    assertThat(login.body())
        .doesNotContain("Invalid parameter")
        .contains("login-actions/authenticate");
  }

  @Test
  void pagesCannotBeFramedSniffedOrFedForeignScriptsAndAreRevalidated() {
    for (String page :
        new String[] {"/", "/index.html", "/console.html", "/js/console.js", "/css/porthole.css"}) {
      Response answer = given().get(page);
      answer.then().statusCode(200);
      String csp = answer.header("Content-Security-Policy");
      assertThat(csp)
          .as(page)
          .contains(
              "default-src 'self'",
              "script-src 'self'",
              "frame-ancestors 'none'",
              "connect-src 'self' ws://localhost:8081")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(answer.header("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
      assertThat(answer.header("Referrer-Policy")).as(page).isEqualTo("no-referrer");
      assertThat(answer.header("Cache-Control")).as(page).isEqualTo("no-cache");
    }
    Response api = given().get("/api/v1/vms");
    assertThat(api.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(api.header("Cache-Control")).isNotEqualTo("no-cache");
  }

  /**
   * Request smuggling: with both Content-Length and Transfer-Encoding, a proxy in front and the
   * engine disagree on where the request ends. The engine answers 400 and closes the connection, so
   * the request pipelined behind it (the smuggled one) is never answered.
   */
  @Test
  void requestWithContentLengthAndTransferEncodingIsRefusedAndItsConnectionClosed()
      throws Exception {
    String smuggling =
        "POST /api/v1/jwks HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + "GET /api/v1/jwks HTTP/1.1\r\nHost: localhost\r\n\r\n";
    String answer = RawHttp.exchange(engine, smuggling);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer.split("HTTP/1\\.1 ", -1))
        .as("one answer, then the connection closed: " + answer)
        .hasSize(2);

    String honest =
        "GET /api/v1/jwks HTTP/1.1\r\nHost: localhost\r\n\r\n"
            + "GET /api/v1/jwks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assertThat(RawHttp.exchange(engine, honest).split("HTTP/1\\.1 200", -1))
        .as("pipelining itself works")
        .hasSize(3);
  }

  @Test
  void apiWithoutSignInIsUnauthorizedNotRedirected() {
    SignIn.anonymous()
        .redirects()
        .follow(false)
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(401)
        .body("status", equalTo("SIGN_IN_REQUIRED"));
  }
}
