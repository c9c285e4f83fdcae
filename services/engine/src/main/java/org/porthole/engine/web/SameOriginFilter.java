package org.porthole.engine.web;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import org.jboss.logging.Logger;
import org.porthole.status.PortholeStatus;

/**
 * Refuses state-changing API requests sent by a page of another origin. A browser signs such
 * a request in by itself (the session cookie, or Negotiate from the desktop's ticket), so any
 * site could otherwise make a signed-in user open consoles or change ACLs with a form.
 * Browsers always send {@code Origin} on cross-origin POST, PUT, PATCH and DELETE; a request
 * without one comes from a non-browser client, which holds its own credentials, and passes.
 *
 * <p>Runs on the Vert.x event loop before any route and does no blocking work.
 */
@ApplicationScoped
public class SameOriginFilter {

    private static final Logger LOG = Logger.getLogger(SameOriginFilter.class);
    /** Before authentication and every route. */
    private static final int PRIORITY = 1000;
    private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final String FORBIDDEN_BODY = ErrorBody.json(PortholeStatus.FORBIDDEN,
            "cross-origin request refused");

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (allowed(request.method(), context.normalizedPath(), request.getHeader("Origin"), request.scheme(),
                request.authority())) {
            context.next();
            return;
        }
        LOG.warnf("refused a cross-origin %s %s from origin %s", request.method(),
                ErrorTranslation.printable(context.normalizedPath()), ErrorTranslation.printable(request.getHeader("Origin")));
        context.response().setStatusCode(PortholeStatus.FORBIDDEN.httpStatus())
                .putHeader("Content-Type", "application/json").end(FORBIDDEN_BODY);
    }

    /**
     * True unless this is a state-changing API request whose {@code Origin} is not this
     * engine's own origin ({@code scheme://host[:port]} as the request addressed it).
     */
    static boolean allowed(HttpMethod method, String path, String origin, String scheme, HostAndPort authority) {
        if (!STATE_CHANGING.contains(method) || !SignInChallenge.isApi(path) || origin == null) {
            return true;
        }
        return authority != null && sameOrigin(origin, scheme, authority);
    }

    private static boolean sameOrigin(String origin, String scheme, HostAndPort authority) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false;
        }
        String originScheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String requestScheme = scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT);
        return originScheme.equals(requestScheme)
                && uri.getHost().equalsIgnoreCase(authority.host())
                && port(uri.getPort(), originScheme) == port(authority.port(), requestScheme);
    }

    /** An absent port (-1 or 0 from Vert.x) is the scheme's default. */
    private static int port(int port, String scheme) {
        if (port > 0) {
            return port;
        }
        return "https".equals(scheme) ? 443 : 80;
    }
}
