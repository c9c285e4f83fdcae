package org.porthole.engine.auth.kerberos;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.porthole.engine.web.SignInChallenge;

/**
 * {@code Authorization: Negotiate} (Kerberos SPNEGO) for API clients that hold a ticket. It runs
 * before OIDC: a request with a Negotiate header is this mechanism's, whatever its fate.
 *
 * <p>It also answers every unauthenticated {@code /api} request, for both mechanisms, with a 401
 * JSON body that offers Negotiate and Bearer (never a redirect); other paths fall through to OIDC,
 * which redirects a browser to Keycloak.
 */
@ApplicationScoped
public class NegotiateMechanism implements HttpAuthenticationMechanism {

  static final String SCHEME = "Negotiate";

  /** Above Quarkus OIDC's, so Negotiate is tried and challenges first. */
  private static final int PRIORITY = DEFAULT_PRIORITY + 1000;

  private final KerberosService kerberos;

  @Inject
  public NegotiateMechanism(KerberosService kerberos) {
    this.kerberos = kerberos;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    String token = negotiateToken(context.request().getHeader("Authorization"));
    if (token == null) {
      return Uni.createFrom().nullItem();
    }
    if (!kerberos.enabled()) {
      return Uni.createFrom()
          .failure(new AuthenticationFailedException("Negotiate is not configured"));
    }
    return identities.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(new NegotiateRequest(token), context));
  }

  /** The token of a Negotiate header (scheme case-blind, RFC 7235), or null for another scheme. */
  static String negotiateToken(String authorization) {
    if (authorization == null
        || authorization.length() < SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String rest = authorization.substring(SCHEME.length());
    if (!rest.isEmpty() && rest.charAt(0) != ' ') {
      return null;
    }
    return rest.strip();
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
  }

  @Override
  public Uni<Boolean> sendChallenge(RoutingContext context) {
    if (!SignInChallenge.isApi(context.normalizedPath())) {
      return Uni.createFrom().item(false);
    }
    return SignInChallenge.send(context, kerberos.enabled());
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(NegotiateRequest.class);
  }

  @Override
  public int getPriority() {
    return PRIORITY;
  }
}
