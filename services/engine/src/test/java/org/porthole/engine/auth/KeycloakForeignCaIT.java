package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * A Keycloak whose https certificate another CA issued is not believed: with {@code
 * porthole.oidc.ca-file} naming a CA that did not issue it, the engine fetches no keys from it, and
 * a token that the very same Keycloak issued signs nobody in: the answer is 503 (the sign-in
 * service cannot be trusted), with a message and no stack trace, never a 500.
 */
@QuarkusTest
@WithTestResource(
    value = StackResource.class,
    scope = TestResourceScope.MATCHING_RESOURCES,
    initArgs = @ResourceArg(name = StackResource.KEYCLOAK_HTTPS, value = StackResource.FOREIGN_CA))
class KeycloakForeignCaIT {

  @ConfigProperty(name = "porthole.oidc.url")
  String oidcUrl;

  @Test
  void refusesSignInAgainstKeycloakWithACertificateOfAnotherCa() throws Exception {
    assertThat(oidcUrl).startsWith("https://localhost:");
    // Keycloak is up and serves the realm to a client that trusts its real CA ...
    HttpClient trusting =
        HttpClient.newBuilder()
            .sslContext(
                KeycloakTrust.sslContext(
                        Optional.of(
                            StackResource.keycloak().httpsCaFile().orElseThrow().toString()))
                    .orElseThrow())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> discovery =
        trusting.send(
            HttpRequest.newBuilder(URI.create(oidcUrl + "/.well-known/openid-configuration"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(discovery.statusCode()).isEqualTo(200);
    // ... but the engine, trusting another CA only, signs nobody in with its token.
    String token = SignIn.freshToken("alice");
    Response me = SignIn.anonymous().header("Authorization", "Bearer " + token).get("/api/v1/me");
    assertThat(me.statusCode()).as(me.asString()).isEqualTo(503);
    assertThat(me.jsonPath().getString("status")).isEqualTo("UPSTREAM_UNAVAILABLE");
    assertThat(me.jsonPath().getString("message")).contains("Keycloak").contains("not trusted");
    assertThat(me.asString())
        .doesNotContain("alice")
        .doesNotContain(token)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
