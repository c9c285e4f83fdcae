package org.porthole.engine.auth;

import java.util.Optional;
import java.util.Set;

/**
 * A user as the directory (Keycloak) holds them now.
 *
 * @param name the user name, lower case
 * @param enabled false when an administrator disabled the account
 * @param groups group names (leaf names)
 * @param admin true when the user holds {@link Caller#ADMIN_ROLE}
 * @param kerberosPrincipal the user's Kerberos principal (e.g. {@code alice@PORTHOLE.TEST}), empty
 *     when the directory has none; Kerberos SSO into a guest signs in exactly this principal
 */
public record DirectoryUser(
    String name,
    boolean enabled,
    Set<String> groups,
    boolean admin,
    Optional<String> kerberosPrincipal) {

  public DirectoryUser {
    groups = Set.copyOf(groups);
    kerberosPrincipal = kerberosPrincipal == null ? Optional.empty() : kerberosPrincipal;
  }

  /** A user without a Kerberos principal. */
  public DirectoryUser(String name, boolean enabled, Set<String> groups, boolean admin) {
    this(name, enabled, groups, admin, Optional.empty());
  }
}
