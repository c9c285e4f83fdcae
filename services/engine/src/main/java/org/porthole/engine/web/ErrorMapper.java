package org.porthole.engine.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * The one exception mapper of the REST API: every failure becomes {@code {"status", "message"}}
 * with the HTTP code of {@link PortholeStatus}, never a stack trace. Unexpected server faults are
 * logged with their stack trace and an error id that the client also sees, so they can be matched.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

  @Override
  public Response toResponse(Throwable failure) {
    ErrorBody body = ErrorTranslation.translate(failure);
    if (failure instanceof PortholeException api) {
      if (ErrorTranslation.isServerFault(body)) {
        LOG.warnf("request answered %s: %s", body.status(), body.message());
      }
      Response response = toResponse(body);
      if (api.retryAfterSeconds() > 0) {
        response.getHeaders().putSingle("Retry-After", Long.toString(api.retryAfterSeconds()));
      }
      return response;
    }
    if (ErrorTranslation.isServerFault(body)) {
      String errorId = UUID.randomUUID().toString();
      // An outage (the database or Keycloak down) is one line per request, not a stack trace
      // each, naming the causes' classes only: a driver's or client's message may quote a URL
      // with credentials or a token.
      if (PortholeStatus.valueOf(body.status()) == PortholeStatus.UPSTREAM_UNAVAILABLE) {
        LOG.warnf(
            "request failed with %s (error id %s): %s",
            body.status(), errorId, SignInFailures.causeChain(failure));
      } else {
        LOG.errorf(failure, "request failed with %s (error id %s)", body.status(), errorId);
      }
      body = new ErrorBody(body.status(), body.message() + " (error id " + errorId + ")");
    }
    return toResponse(body);
  }

  /** The HTTP answer for an error body. */
  public static Response toResponse(ErrorBody body) {
    return Response.status(PortholeStatus.valueOf(body.status()).httpStatus())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(body)
        .build();
  }
}
