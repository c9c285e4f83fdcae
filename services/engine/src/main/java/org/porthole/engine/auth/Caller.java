package org.porthole.engine.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The signed-in user of one request, as Keycloak sees them now (not only as their token said).
 *
 * @param name the Keycloak user name, lower case (ACL subjects match it case-blind)
 * @param groups Keycloak group names (leaf names, as the realm's mapper sends them)
 * @param admin true when the user holds the realm role {@code porthole-admin}
 * @param clientAddress the client's address as the engine saw it, for audit; never null
 */
public record Caller(String name, Set<String> groups, boolean admin, String clientAddress) {

  /** The realm role that may do everything. */
  public static final String ADMIN_ROLE = "porthole-admin";

  public Caller {
    Objects.requireNonNull(name, "name");
    name = name.toLowerCase(Locale.ROOT);
    groups = Set.copyOf(groups);
    clientAddress = clientAddress == null ? "" : clientAddress;
  }
}
