package org.porthole.engine.web;

import io.quarkus.security.AuthenticationException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.porthole.engine.auth.kerberos.KerberosService;
import org.porthole.status.PortholeStatus;

/**
 * A refused credential (a bearer token that is expired, tampered or of a disabled user; a bad
 * Negotiate token) on an {@code /api} path is answered like a missing one: 401 with the JSON error
 * body and both challenges. Without this, the mechanism that refused the credential answers with
 * its own bare 401. Pages keep the framework's handling (a redirect to Keycloak).
 *
 * <p>When the OIDC provider itself cannot be reached or trusted (its keys or discovery document
 * could not be fetched), the answer is 503 {@code UPSTREAM_UNAVAILABLE} with a message saying so,
 * on every path: the caller did nothing wrong and may retry.
 */
@ApplicationScoped
public class SignInFailures {
  private static final Logger LOG = Logger.getLogger(SignInFailures.class);
  private static final String RETRY_AFTER = "Retry-After";
  private static final int MAX_CAUSES = 10;
  private static final String RETRY_AFTER_SECONDS = "5";
  private static final String UNAVAILABLE_BODY =
      ErrorBody.json(PortholeStatus.UPSTREAM_UNAVAILABLE, ErrorTranslation.SIGN_IN_UNAVAILABLE);

  private final KerberosService kerberos;

  public SignInFailures(KerberosService kerberos) {
    this.kerberos = kerberos;
  }

  void register(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
  }

  void onFailure(RoutingContext context) {
    if (ErrorTranslation.isSignInServiceUnavailable(context.failure())) {
      signInServiceUnavailable(context);
      return;
    }
    if (context.failure() instanceof AuthenticationException
        && SignInChallenge.isApi(context.normalizedPath())) {
      SignInChallenge.send(context, kerberos.enabled())
          .subscribe()
          .with(sent -> {}, failure -> context.next());
      return;
    }
    context.next();
  }

  /**
   * 503 with the error body, for pages and API alike: the credential may be fine, the provider that
   * would check it is not reachable or not trusted. Logged once per request without a stack trace
   * (the causes' classes say which: refused, TLS, unknown host); the credential is never logged.
   */
  private static void signInServiceUnavailable(RoutingContext context) {
    LOG.warnf(
        "%s %s answered 503: the OIDC provider is unreachable or not trusted (%s)",
        context.request().method(), context.normalizedPath(), causeChain(context.failure()));
    var response = context.response();
    if (response.ended()) {
      return;
    }
    response
        .setStatusCode(PortholeStatus.UPSTREAM_UNAVAILABLE.httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(RETRY_AFTER, RETRY_AFTER_SECONDS)
        .end(UNAVAILABLE_BODY);
  }

  /** The failure's classes, outermost first: no message (it may quote a URL or a token). */
  static String causeChain(Throwable failure) {
    StringBuilder chain = new StringBuilder(failure.getClass().getSimpleName());
    Throwable t = failure.getCause();
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      chain.append(" <- ").append(t.getClass().getSimpleName());
    }
    return chain.toString();
  }
}
