package org.porthole.engine.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.porthole.engine.ClientText;
import org.porthole.status.PortholeStatus;

/**
 * Refuses every request that carries {@code Transfer-Encoding}, with 400, and closes its
 * connection. A request with both Content-Length and Transfer-Encoding is the classic request
 * smuggling vector: a proxy in front that frames by Content-Length and this server that frames by
 * the chunked encoding disagree on where the request ends, and the rest is read as a second request
 * someone else may be answered for. The HTTP decoder drops Content-Length in that case, so the two
 * cannot be told apart here; the engine's API takes only small JSON bodies that browsers and
 * clients send with a Content-Length, so chunked request bodies are refused altogether. The
 * connection is closed after the answer, so nothing pipelined behind it is read.
 *
 * <p>Runs on the Vert.x event loop before every other filter.
 */
@ApplicationScoped
public class ChunkedRequestGuard {

  private static final Logger LOG = Logger.getLogger(ChunkedRequestGuard.class);

  /** The first filter of all. */
  private static final int PRIORITY = 2000;

  private static final String BODY =
      ErrorBody.json(
          PortholeStatus.BAD_REQUEST,
          "Transfer-Encoding is not accepted on requests: send the body with a Content-Length");

  void register(@Observes Filters filters) {
    filters.register(this::filter, PRIORITY);
  }

  void filter(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (!request.headers().contains("Transfer-Encoding")) {
      context.next();
      return;
    }
    LOG.warnf(
        "refused a %s %s with Transfer-Encoding (chunked request bodies are not accepted); connection closed",
        request.method(), ClientText.printable(context.normalizedPath()));
    request
        .response()
        .setStatusCode(PortholeStatus.BAD_REQUEST.httpStatus())
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(BODY);
    request.connection().close();
  }
}
