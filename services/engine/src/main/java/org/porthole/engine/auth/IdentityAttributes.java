package org.porthole.engine.auth;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The attributes that sign-in puts on a Quarkus {@link SecurityIdentity}, so that {@link
 * CurrentCaller} reads one shape whatever mechanism (OIDC bearer, OIDC session, Kerberos Negotiate)
 * signed the user in.
 */
public final class IdentityAttributes {

  /** {@code Set<String>}: the user's group names (leaf names), from the directory or the token. */
  public static final String GROUPS = "porthole.groups";

  /** {@code String}: how the user signed in, one of {@link #OIDC} or {@link #NEGOTIATE}. */
  public static final String MECHANISM = "porthole.mechanism";

  /**
   * {@code Boolean}: true once the directory confirmed the user (enabled, current groups and
   * roles).
   */
  public static final String DIRECTORY_CHECKED = "porthole.directory-checked";

  public static final String OIDC = "oidc";
  public static final String NEGOTIATE = "negotiate";

  /** The claim Keycloak's group mapper fills with leaf group names. */
  public static final String GROUPS_CLAIM = "groups";

  private IdentityAttributes() {}

  /**
   * The identity's groups: the attribute when sign-in set it, else the token's {@code groups}
   * claim.
   */
  public static Set<String> groups(SecurityIdentity identity) {
    Object attribute = identity.getAttribute(GROUPS);
    if (attribute instanceof Collection<?> names) {
      return strings(names);
    }
    if (identity.getPrincipal() instanceof JsonWebToken token) {
      return groupsClaim(token);
    }
    return Set.of();
  }

  /** The {@code groups} claim of a token, leaf names only (a full path keeps its last part). */
  public static Set<String> groupsClaim(JsonWebToken token) {
    Object claim = token.getClaim(GROUPS_CLAIM);
    if (claim instanceof Collection<?> names) {
      return strings(names);
    }
    return Set.of();
  }

  private static Set<String> strings(Collection<?> values) {
    Set<String> out = new LinkedHashSet<>();
    for (Object value : values) {
      String text = unquote(String.valueOf(value));
      int slash = text.lastIndexOf('/');
      text = slash >= 0 ? text.substring(slash + 1) : text;
      if (!text.isBlank()) {
        out.add(text);
      }
    }
    return out;
  }

  /** JSON-P string values print with their quotes. */
  private static String unquote(String text) {
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1);
    }
    return text;
  }
}
