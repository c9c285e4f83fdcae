package org.porthole.engine.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.oidc.OIDCException;
import io.quarkus.oidc.common.runtime.OidcEndpointAccessException;
import io.quarkus.security.AuthenticationException;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import javax.net.ssl.SSLException;
import org.porthole.engine.ClientText;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Maps any failure to the status and message the client sees, in one place.
 *
 * <p>Messages are written here, never copied from the exception: framework and driver messages can
 * quote the request body or internals, and a stack trace never leaves the engine.
 */
public final class ErrorTranslation {

  static final String MALFORMED_JSON = "malformed JSON body";
  static final String INTERNAL = "internal error";
  static final String DATABASE_UNAVAILABLE = "database unavailable";
  static final String SIGN_IN_UNAVAILABLE =
      "the sign-in service (Keycloak) cannot be reached or its certificate is not trusted;"
          + " try again later";

  /** PostgreSQL's SQLSTATEs 57P01..57P05: the server is going away or not there yet. */
  private static final String SERVER_GOING_AWAY = "57P";

  private static final int HTTP_NOT_FOUND = 404;
  private static final int HTTP_METHOD_NOT_ALLOWED = 405;
  private static final int HTTP_NOT_ACCEPTABLE = 406;
  private static final int HTTP_UNSUPPORTED_MEDIA_TYPE = 415;
  private static final int HTTP_TOO_LARGE = 413;
  private static final int HTTP_CLIENT_ERRORS = 400;
  private static final int HTTP_SERVER_ERRORS = 500;

  private ErrorTranslation() {}

  /** The answer for {@code failure}: its status and a message safe to show. */
  public static ErrorBody translate(Throwable failure) {
    if (failure instanceof PortholeException api) {
      return body(api.status(), api.getMessage());
    }
    JsonProcessingException json = findCause(failure, JsonProcessingException.class);
    if (json != null) {
      return body(PortholeStatus.BAD_REQUEST, describeJson(json));
    }
    if (failure instanceof WebApplicationException web) {
      return fromHttp(web.getResponse().getStatus());
    }
    if (isDatabaseUnavailable(failure)) {
      return body(PortholeStatus.UPSTREAM_UNAVAILABLE, DATABASE_UNAVAILABLE);
    }
    if (isSignInServiceUnavailable(failure)) {
      return body(PortholeStatus.UPSTREAM_UNAVAILABLE, SIGN_IN_UNAVAILABLE);
    }
    return body(PortholeStatus.INTERNAL, INTERNAL);
  }

  /** True when the answer hides a bug or an outage, so the server must log the failure. */
  public static boolean isServerFault(ErrorBody body) {
    return PortholeStatus.valueOf(body.status()).httpStatus() >= HTTP_SERVER_ERRORS;
  }

  private static ErrorBody fromHttp(int code) {
    if (code == HTTP_NOT_FOUND) {
      return body(PortholeStatus.NOT_FOUND, "no such resource");
    }
    if (code == HTTP_METHOD_NOT_ALLOWED) {
      return body(PortholeStatus.BAD_REQUEST, "method not allowed on this resource");
    }
    if (code == HTTP_UNSUPPORTED_MEDIA_TYPE) {
      return body(PortholeStatus.BAD_REQUEST, "unsupported content type: send application/json");
    }
    if (code == HTTP_NOT_ACCEPTABLE) {
      return body(PortholeStatus.BAD_REQUEST, "only application/json is produced");
    }
    if (code == HTTP_TOO_LARGE) {
      return body(PortholeStatus.TOO_LARGE, "request body too large");
    }
    if (code >= HTTP_CLIENT_ERRORS && code < HTTP_SERVER_ERRORS) {
      return body(PortholeStatus.BAD_REQUEST, "bad request");
    }
    return body(PortholeStatus.INTERNAL, INTERNAL);
  }

  private static String describeJson(JsonProcessingException json) {
    if (json instanceof UnrecognizedPropertyException unknown) {
      return "unknown field: " + ClientText.printable(unknown.getPropertyName());
    }
    if (json instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      return "field " + fieldPath(mismatch) + " has the wrong type";
    }
    return MALFORMED_JSON;
  }

  private static String fieldPath(JsonMappingException mapping) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : mapping.getPath()) {
      if (reference.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".")
            .append(ClientText.printable(reference.getFieldName()));
      } else {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /**
   * True when the OIDC provider could not be reached or trusted (its discovery document or keys
   * could not be fetched: refused, unknown host, TLS handshake failed), not when a credential was
   * refused: an OIDC failure, or a sign-in that failed on the network or TLS.
   */
  public static boolean isSignInServiceUnavailable(Throwable failure) {
    if (findCause(failure, OIDCException.class) != null
        || findCause(failure, OidcEndpointAccessException.class) != null) {
      return true;
    }
    return findCause(failure, AuthenticationException.class) != null
        && (findCause(failure, SSLException.class) != null
            || findCause(failure, ConnectException.class) != null
            || findCause(failure, UnknownHostException.class) != null);
  }

  /**
   * A lost or refused connection (class 08), or a server shutting down, crashed or still starting
   * (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now: what a PostgreSQL
   * restart answers), or the pool's own timeout.
   */
  private static boolean isDatabaseUnavailable(Throwable failure) {
    SQLException sql = findCause(failure, SQLException.class);
    if (sql instanceof SQLTransientException || sql instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = sql == null ? null : sql.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith(SERVER_GOING_AWAY));
  }

  private static <T> T findCause(Throwable failure, Class<T> type) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 10; depth++) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      current = current.getCause();
    }
    return null;
  }

  private static ErrorBody body(PortholeStatus status, String message) {
    return new ErrorBody(status.name(), message);
  }
}
