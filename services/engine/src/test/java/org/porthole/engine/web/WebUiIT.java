package org.porthole.engine.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.porthole.engine.it.StackResource;

/** The engine serves the web viewer (clients/viewer's jar) at / to loopback clients. */
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
}
