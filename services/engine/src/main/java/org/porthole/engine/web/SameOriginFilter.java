package org.porthole.engine.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.porthole.engine.ClientText;
import org.porthole.status.PortholeStatus;

/**
 * Refuses state-changing API requests sent by a page of another origin. A browser signs such a
 * request in by itself (the session cookie, or Negotiate from the desktop's ticket), so any site
 * could otherwise make a signed-in user open consoles or change ACLs with a form. Browsers always
 * send {@code Origin} on cross-origin POST, PUT, PATCH and DELETE; a request without one comes from
 * a non-browser client, which holds its own credentials, and passes. The origin must be one of the
 * engine's configured public origins ({@link PublicOrigins}), not whatever the request's Host
 * header says.
 *
 * <p>Runs on the Vert.x event loop before any route and does no blocking work.
 */
@ApplicationScoped
public class SameOriginFilter {

  private static final Logger LOG = Logger.getLogger(SameOriginFilter.class);

  /** Before authentication and every route. */
  private static final int PRIORITY = 1000;

  private static final Set<HttpMethod> STATE_CHANGING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String FORBIDDEN_BODY =
      ErrorBody.json(PortholeStatus.FORBIDDEN, "cross-origin request refused");

  private final PublicOrigins publicOrigins;

  @Inject
  public SameOriginFilter(@ConfigProperty(name = "porthole.public-url") String publicUrl) {
    this.publicOrigins = PublicOrigins.parse(publicUrl);
  }

  void register(@Observes Filters filters) {
    filters.register(this::filter, PRIORITY);
  }

  void filter(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (allowed(
        request.method(), context.normalizedPath(), request.getHeader("Origin"), publicOrigins)) {
      context.next();
      return;
    }
    LOG.warnf(
        "refused a cross-origin %s %s from origin %s",
        request.method(),
        ClientText.printable(context.normalizedPath()),
        ClientText.printable(request.getHeader("Origin")));
    context
        .response()
        .setStatusCode(PortholeStatus.FORBIDDEN.httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(FORBIDDEN_BODY);
  }

  /**
   * True unless this is a state-changing API request whose {@code Origin} is not one of the
   * engine's public origins.
   */
  static boolean allowed(
      HttpMethod method, String path, String origin, PublicOrigins publicOrigins) {
    if (!STATE_CHANGING.contains(method) || !SignInChallenge.isApi(path) || origin == null) {
      return true;
    }
    return publicOrigins.contains(origin);
  }
}
