package org.porthole.engine.auth;

import java.util.Set;

/**
 * A user as the directory (Keycloak) holds them now.
 *
 * @param name the user name, lower case
 * @param enabled false when an administrator disabled the account
 * @param groups group names (leaf names)
 * @param admin true when the user holds {@link Caller#ADMIN_ROLE}
 */
public record DirectoryUser(String name, boolean enabled, Set<String> groups, boolean admin) {

  public DirectoryUser {
    groups = Set.copyOf(groups);
  }
}
