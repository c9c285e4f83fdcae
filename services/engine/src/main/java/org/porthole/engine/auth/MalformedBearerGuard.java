package org.porthole.engine.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses a bearer credential that is not shaped like a signed JWT (three non-empty base64url
 * parts) before Quarkus OIDC parses it: the engine accepts only signed JWTs (no introspection), and
 * OIDC's own parser answers some malformed tokens (such as {@code ....}) with a server error
 * instead of a 401. Well-shaped tokens pass untouched to OIDC, which checks everything.
 */
@ApplicationScoped
public class MalformedBearerGuard implements HttpAuthenticationMechanism {

  private static final String SCHEME = "Bearer ";
  private static final Pattern SIGNED_JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /** Between Negotiate and OIDC: it only ever refuses, never signs anyone in. */
  private static final int PRIORITY = DEFAULT_PRIORITY + 500;

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    String authorization = context.request().getHeader("Authorization");
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || isSignedJwtShape(authorization.substring(SCHEME.length()).strip())) {
      return Uni.createFrom().nullItem();
    }
    return Uni.createFrom().failure(new AuthenticationFailedException("malformed bearer token"));
  }

  /** True for {@code header.payload.signature}, each part non-empty base64url. */
  static boolean isSignedJwtShape(String token) {
    return SIGNED_JWT.matcher(token).matches();
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
  }

  @Override
  public Uni<Boolean> sendChallenge(RoutingContext context) {
    return Uni.createFrom().item(false);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of();
  }

  @Override
  public int getPriority() {
    return PRIORITY;
  }
}
