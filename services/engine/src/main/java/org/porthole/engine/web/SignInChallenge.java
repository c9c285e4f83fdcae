package org.porthole.engine.web;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.porthole.status.PortholeStatus;

/**
 * The answer to an API request that is not signed in: 401 with the error body of every API error
 * and the schemes a client may use. A browser page gets a redirect to Keycloak instead; an API
 * client (CLI, script, the page's fetch) must never be sent to an HTML login form.
 */
public final class SignInChallenge {

  /** Everything under this prefix is the API. */
  public static final String API_PREFIX = "/api/";

  private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
  private static final String BODY =
      ErrorBody.json(
          PortholeStatus.SIGN_IN_REQUIRED,
          "sign in first: send a Keycloak bearer token or a Kerberos Negotiate token");

  private SignInChallenge() {}

  public static boolean isApi(String path) {
    return path != null && (path.startsWith(API_PREFIX) || path.equals("/api"));
  }

  /**
   * Sends the 401; {@code negotiate} adds the Kerberos challenge (before Bearer, the preferred
   * one).
   */
  public static Uni<Boolean> send(RoutingContext context, boolean negotiate) {
    var response = context.response();
    if (response.ended()) {
      return Uni.createFrom().item(true);
    }
    response
        .setStatusCode(PortholeStatus.SIGN_IN_REQUIRED.httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (negotiate) {
      response.headers().add(WWW_AUTHENTICATE, "Negotiate");
    }
    response.headers().add(WWW_AUTHENTICATE, "Bearer");
    return Uni.createFrom()
        .completionStage(response.end(BODY).toCompletionStage())
        .replaceWith(true);
  }
}
