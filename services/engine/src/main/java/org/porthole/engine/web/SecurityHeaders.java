package org.porthole.engine.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Headers on every answer that keep the pages from being framed, sniffed or injected into: a
 * Content-Security-Policy that allows scripts, styles and connections only from the engine itself
 * (plus the ws-proxy's origin for the console's WebSocket), {@code frame-ancestors 'none'}, {@code
 * nosniff} and {@code Referrer-Policy: no-referrer}. Pages and their assets are served {@code
 * Cache-Control: no-cache} (revalidated on every load, so an upgrade reaches users at once; the
 * viewer's file names carry no content hash, so none may be cached as immutable). API answers keep
 * their own caching headers.
 *
 * <p>Set just before the headers are written, so they win over the static file handler's. Runs on
 * the Vert.x event loop; no blocking work.
 */
@ApplicationScoped
public class SecurityHeaders {

  /** Before every route but the request-smuggling guard. */
  private static final int PRIORITY = 1100;

  private final String contentSecurityPolicy;

  @Inject
  public SecurityHeaders(@ConfigProperty(name = "porthole.proxy.url") String proxyUrl) {
    this.contentSecurityPolicy = policy(proxyUrl);
  }

  /**
   * The page policy: nothing inline, nothing from elsewhere but the console WebSocket to the
   * ws-proxy; images also from {@code data:} (noVNC draws the remote cursor and JPEG rectangles
   * so).
   */
  static String policy(String proxyUrl) {
    String proxyOrigin =
        PublicOrigins.origin(proxyUrl)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "porthole.proxy.url is not a ws(s) or http(s) URL with a host"));
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
        + proxyOrigin
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  void register(@Observes Filters filters) {
    filters.register(this::filter, PRIORITY);
  }

  void filter(RoutingContext context) {
    HttpServerResponse response = context.response();
    boolean page = !SignInChallenge.isApi(context.normalizedPath());
    context.addHeadersEndHandler(
        ignored -> {
          response.headers().set("Content-Security-Policy", contentSecurityPolicy);
          response.headers().set("X-Content-Type-Options", "nosniff");
          response.headers().set("Referrer-Policy", "no-referrer");
          if (page) {
            response.headers().set("Cache-Control", "no-cache");
          }
        });
    context.next();
  }
}
