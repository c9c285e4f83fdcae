package org.porthole.engine.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import org.junit.jupiter.api.Test;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;

/**
 * The engine serves the web viewer (clients/viewer's jar) at / to signed-in users; a browser
 * that is not signed in is sent to Keycloak's login (code flow with PKCE), which accepts the
 * engine's redirect URI.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class WebUiIT {

    @Test
    void servesTheVmListPage() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
    }

    @Test
    void unknownApiPathIsNotFoundInTheErrorFormat() {
        given().get("/api/v1/no-such-thing").then().statusCode(404).body("status", equalTo("NOT_FOUND"));
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
        assertThat(location).startsWith(StackResource.keycloak().realmUrl() + "/protocol/openid-connect/auth?")
                .contains("client_id=porthole-engine", "code_challenge=", "code_challenge_method=S256");

        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        // Keycloak's browser flow tries Kerberos first: 401 with a Negotiate challenge, the form as fallback.
        assertThat(login.statusCode()).as("Keycloak accepts the engine's redirect URI: " + login.body()).isEqualTo(401);
        assertThat(login.headers().allValues("WWW-Authenticate")).contains("Negotiate");
        assertThat(login.body()).doesNotContain("Invalid parameter").contains("login-actions/authenticate");
    }

    @Test
    void apiWithoutSignInIsUnauthorizedNotRedirected() {
        SignIn.anonymous().redirects().follow(false).get("/api/v1/no-such-thing").then().statusCode(401)
                .body("status", equalTo("SIGN_IN_REQUIRED"));
    }
}
