package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

class ErrorTranslationTest {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public record Body(String channel, int count) {}

  private static Throwable parseFailure(String json) {
    try {
      STRICT.readValue(json, Body.class);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a parse failure for " + json);
  }

  @Test
  void portholeExceptionKeepsItsStatusAndMessage() {
    ErrorBody body =
        ErrorTranslation.translate(new PortholeException(PortholeStatus.CONFLICT, "VM is shutoff"));
    assertThat(body).isEqualTo(new ErrorBody("CONFLICT", "VM is shutoff"));
  }

  @Test
  void untrustedKeycloakIsUnavailableNotInternal() {
    Throwable failure =
        new AuthenticationFailedException(
            new SSLHandshakeException("PKIX path building failed: secret-ish detail"));
    ErrorBody body = ErrorTranslation.translate(failure);
    assertThat(body.status()).isEqualTo("UPSTREAM_UNAVAILABLE");
    assertThat(body.message()).contains("Keycloak").doesNotContain("PKIX").doesNotContain("secret");
    assertThat(ErrorMapper.toResponse(body).getStatus()).isEqualTo(503);
  }

  @Test
  void unreachableOidcProviderIsUnavailable() {
    assertThat(
            ErrorTranslation.translate(
                    new OIDCException("OIDC Server is not available", new ConnectException()))
                .status())
        .isEqualTo("UPSTREAM_UNAVAILABLE");
  }

  @Test
  void refusedCredentialIsNotMistakenForAnOutage() {
    assertThat(ErrorTranslation.isSignInServiceUnavailable(new AuthenticationFailedException()))
        .isFalse();
    assertThat(ErrorTranslation.isSignInServiceUnavailable(new SSLHandshakeException("other")))
        .as("a TLS failure outside sign-in")
        .isFalse();
  }

  @Test
  void malformedJsonIsBadRequest() {
    ErrorBody body = ErrorTranslation.translate(parseFailure("{\"channel\": \"vnc\""));
    assertThat(body).isEqualTo(new ErrorBody("BAD_REQUEST", "malformed JSON body"));
  }

  @Test
  void unknownFieldIsNamed() {
    ErrorBody body = ErrorTranslation.translate(parseFailure("{\"chanel\": \"vnc\"}"));
    assertThat(body).isEqualTo(new ErrorBody("BAD_REQUEST", "unknown field: chanel"));
  }

  @Test
  void wrongTypeNamesTheField() {
    ErrorBody body = ErrorTranslation.translate(parseFailure("{\"count\": \"many\"}"));
    assertThat(body).isEqualTo(new ErrorBody("BAD_REQUEST", "field count has the wrong type"));
  }

  @Test
  void hostileFieldNameIsShortenedAndStrippedOfControlCharacters() {
    String hostile = "x\n\u001b[31m" + "A".repeat(500);
    ErrorBody body =
        ErrorTranslation.translate(
            parseFailure(
                "{\"" + hostile.replace("\n", "\\n").replace("\u001b", "\\u001b") + "\": 1}"));
    assertThat(body.message())
        .startsWith("unknown field: x??[31m")
        .doesNotContain("\n")
        .hasSizeLessThan(100);
  }

  @Test
  void frameworkWrappedParseFailureIsStillBadRequest() {
    WebApplicationException wrapped =
        new WebApplicationException(parseFailure("[[["), Response.Status.BAD_REQUEST);
    assertThat(ErrorTranslation.translate(wrapped).status()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void unknownPathIsNotFound() {
    assertThat(ErrorTranslation.translate(new NotFoundException()).status()).isEqualTo("NOT_FOUND");
  }

  @Test
  void wrongMethodIsBadRequest() {
    ErrorBody body = ErrorTranslation.translate(new NotAllowedException("GET"));
    assertThat(body.status()).isEqualTo("BAD_REQUEST");
    assertThat(body.message()).contains("method not allowed");
  }

  @Test
  void unexpectedFailureHidesItsMessage() {
    ErrorBody body =
        ErrorTranslation.translate(new IllegalStateException("password=hunter22 at line 3"));
    assertThat(body).isEqualTo(new ErrorBody("INTERNAL", "internal error"));
    assertThat(ErrorTranslation.isServerFault(body)).isTrue();
  }

  @Test
  void lostDatabaseIsUpstreamUnavailable() {
    ErrorBody body = ErrorTranslation.translate(new SQLTransientConnectionException("timeout"));
    assertThat(body).isEqualTo(new ErrorBody("UPSTREAM_UNAVAILABLE", "database unavailable"));
  }

  @Test
  void databaseCrashingOrStartingIsUpstreamUnavailable() {
    for (String state : new String[] {"57P01", "57P02", "57P03", "08006"}) {
      ErrorBody body =
          ErrorTranslation.translate(
              new SQLException(
                  "FATAL: terminating connection due to unexpected postmaster exit", state));
      assertThat(body)
          .as(state)
          .isEqualTo(new ErrorBody("UPSTREAM_UNAVAILABLE", "database unavailable"));
    }
  }

  @Test
  void otherSqlFailureIsInternalWithoutTheSql() {
    ErrorBody body =
        ErrorTranslation.translate(new SQLException("syntax error near SELECT secret", "42601"));
    assertThat(body).isEqualTo(new ErrorBody("INTERNAL", "internal error"));
  }

  @Test
  void mapperAnswersServerFaultsWithAnErrorIdAndNoStackTrace() {
    Response response = new ErrorMapper().toResponse(new NullPointerException("token=eyJhbGci"));
    ErrorBody body = (ErrorBody) response.getEntity();

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(body.message())
        .startsWith("internal error (error id ")
        .doesNotContain("eyJ")
        .doesNotContain("NullPointerException");
  }

  @Test
  void mapperUsesTheStatusTableForHttpCodes() {
    assertThat(
            new ErrorMapper()
                .toResponse(new PortholeException(PortholeStatus.UPSTREAM_UNAVAILABLE, "x"))
                .getStatus())
        .isEqualTo(503);
    assertThat(
            new ErrorMapper()
                .toResponse(new PortholeException(PortholeStatus.NOT_FOUND, "x"))
                .getStatus())
        .isEqualTo(404);
  }
}
