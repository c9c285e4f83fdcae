package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The engine reads the realm from Keycloak over https whose certificate the development CA issued,
 * trusting that CA ({@code porthole.oidc.ca-file}): a bearer token signs in (keys fetched over
 * https, the directory's admin calls too) and the page's sign-in goes to the https issuer.
 */
@QuarkusTest
@WithTestResource(
    value = StackResource.class,
    scope = TestResourceScope.MATCHING_RESOURCES,
    initArgs = @ResourceArg(name = StackResource.KEYCLOAK_HTTPS, value = StackResource.DEV_CA))
class KeycloakHttpsIT {

  @ConfigProperty(name = "porthole.oidc.url")
  String oidcUrl;

  @TestHTTPResource("/")
  URL engine;

  @Test
  void signsInWithABearerTokenOverHttpsTrustingTheDevelopmentCa() {
    assertThat(oidcUrl).startsWith("https://localhost:").endsWith("/realms/porthole");
    SignIn.as("alice")
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("name", equalTo("alice"))
        .body("groups", contains("console-users"));
  }

  @Test
  void pageSignInGoesToTheHttpsIssuer() throws Exception {
    HttpClient browser =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> page =
        browser.send(
            HttpRequest.newBuilder(engine.toURI().resolve("/")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location").orElseThrow())
        .startsWith(oidcUrl + "/protocol/openid-connect/auth?")
        .contains("client_id=porthole-engine");
  }
}
