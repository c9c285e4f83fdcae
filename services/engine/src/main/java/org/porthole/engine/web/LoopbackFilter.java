package org.porthole.engine.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import org.jboss.logging.Logger;
import org.porthole.status.PortholeStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses every HTTP client whose address is not loopback, before any route (REST, JWKS,
 * static UI) runs. Sign-in and ACLs arrive in issue 3; until then loopback is the boundary.
 *
 * <p>It reads the TCP peer address only: forwarded headers are ignored, so a client cannot
 * claim to be local. Runs on the Vert.x event loop and does no blocking work.
 */
@ApplicationScoped
public class LoopbackFilter {

    private static final Logger LOG = Logger.getLogger(LoopbackFilter.class);
    /** Runs before the framework's own filters. */
    private static final int PRIORITY = 1000;

    private final String forbiddenBody;

    public LoopbackFilter() {
        try {
            forbiddenBody = new ObjectMapper().writeValueAsString(new ErrorBody(
                    PortholeStatus.FORBIDDEN.name(), "the engine answers loopback clients only until sign-in arrives"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the forbidden answer", e);
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext context) {
        SocketAddress peer = context.request().remoteAddress();
        String host = peer == null ? null : peer.hostAddress();
        boolean loopbackPeer = LoopbackAddresses.isLoopback(host);
        HostAndPort authority = context.request().authority();
        if (loopbackPeer && authority != null && LoopbackAddresses.isLoopbackHostName(authority.host())) {
            context.next();
            return;
        }
        if (loopbackPeer) {
            LOG.warn("refused a loopback request for a non-loopback Host name (DNS rebinding?)");
        } else {
            LOG.warnf("refused non-loopback client %s", ErrorTranslation.printable(host));
        }
        context.response()
                .setStatusCode(PortholeStatus.FORBIDDEN.httpStatus())
                .putHeader("Content-Type", "application/json")
                .end(forbiddenBody);
    }
}
