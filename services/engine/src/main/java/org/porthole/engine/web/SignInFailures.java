package org.porthole.engine.web;

import io.quarkus.security.AuthenticationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.porthole.engine.auth.kerberos.KerberosService;

/**
 * A refused credential (a bearer token that is expired, tampered or of a disabled user; a bad
 * Negotiate token) on an {@code /api} path is answered like a missing one: 401 with the JSON error
 * body and both challenges. Without this, the mechanism that refused the credential answers with
 * its own bare 401. Pages keep the framework's handling (a redirect to Keycloak).
 */
@ApplicationScoped
public class SignInFailures {

  private final KerberosService kerberos;

  public SignInFailures(KerberosService kerberos) {
    this.kerberos = kerberos;
  }

  void register(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
  }

  void onFailure(RoutingContext context) {
    if (context.failure() instanceof AuthenticationException
        && SignInChallenge.isApi(context.normalizedPath())) {
      SignInChallenge.send(context, kerberos.enabled())
          .subscribe()
          .with(sent -> {}, failure -> context.next());
      return;
    }
    context.next();
  }
}
