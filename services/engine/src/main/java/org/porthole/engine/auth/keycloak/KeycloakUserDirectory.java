package org.porthole.engine.auth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;
import org.porthole.engine.auth.KeycloakTrust;
import org.porthole.engine.auth.UserDirectory;

/**
 * The directory is Keycloak itself, read through its admin REST API with the engine client's
 * service account. Answers are cached for one second, so a burst of requests costs one look-up
 * while a user disabled in Keycloak is refused within a second.
 */
@ApplicationScoped
public class KeycloakUserDirectory implements UserDirectory {

  /** The user attribute that Keycloak's Kerberos federation fills with the user's principal. */
  static final String KERBEROS_PRINCIPAL = "KERBEROS_PRINCIPAL";

  private static final Duration CACHE_FOR = Duration.ofSeconds(1);

  private final KeycloakAdminApi api;
  private final LookupCache cache;

  @Inject
  public KeycloakUserDirectory(
      @ConfigProperty(name = "porthole.oidc.url") String realmUrl,
      @ConfigProperty(name = "quarkus.oidc.client-id") String clientId,
      @ConfigProperty(name = "porthole.oidc.client-secret", defaultValue = "") String clientSecret,
      @ConfigProperty(name = KeycloakTrust.KEY) Optional<String> caFile) {
    this(
        new KeycloakAdminApi(
            realmUrl, clientId, clientSecret, Clock.systemUTC(), KeycloakTrust.sslContext(caFile)),
        Clock.systemUTC());
  }

  KeycloakUserDirectory(KeycloakAdminApi api, Clock clock) {
    this.api = api;
    this.cache = new LookupCache(clock, CACHE_FOR);
  }

  @Override
  public Optional<DirectoryUser> lookup(String userName) {
    String name = userName.toLowerCase(Locale.ROOT);
    return cached(
        "user:" + name,
        () ->
            api.users("exact=true&username=" + KeycloakAdminApi.encode(name)).stream()
                .filter(u -> name.equalsIgnoreCase(u.path("username").asText()))
                .findFirst());
  }

  @Override
  public Optional<DirectoryUser> lookupByKerberosPrincipal(String principal) {
    return cached(
        "krb:" + principal,
        () ->
            onlyHolder(
                api.users("q=" + KeycloakAdminApi.encode(KERBEROS_PRINCIPAL + ":" + principal)),
                principal));
  }

  /**
   * The one user whose KERBEROS_PRINCIPAL equals {@code principal}; two such users map to neither
   * (refused, a realm admin must fix the realm) rather than to whichever came first.
   */
  static Optional<JsonNode> onlyHolder(List<JsonNode> found, String principal) {
    List<JsonNode> holders = found.stream().filter(u -> hasPrincipal(u, principal)).toList();
    if (holders.size() > 1) {
      throw new UserDirectory.DirectoryUnavailableException(
          "more than one Keycloak user carries the Kerberos principal", null);
    }
    return holders.stream().findFirst();
  }

  /** The search may match loosely; only an exact, case-sensitive equal value maps. */
  static boolean hasPrincipal(JsonNode user, String principal) {
    for (JsonNode value : user.path("attributes").path(KERBEROS_PRINCIPAL)) {
      if (principal.equals(value.asText())) {
        return true;
      }
    }
    return false;
  }

  private Optional<DirectoryUser> cached(String key, Supplier<Optional<JsonNode>> search) {
    return cache.get(key, () -> search.get().map(this::toUser));
  }

  private DirectoryUser toUser(JsonNode user) {
    String id = user.path("id").asText();
    return new DirectoryUser(
        user.path("username").asText().toLowerCase(Locale.ROOT),
        user.path("enabled").asBoolean(false),
        api.groupNames(id),
        api.effectiveRealmRoles(id).contains(Caller.ADMIN_ROLE),
        principalOf(user));
  }

  /**
   * The user's one Kerberos principal: the single non-blank value of {@code KERBEROS_PRINCIPAL};
   * empty when there is none or several differ (SSO would have to guess whom to sign in).
   */
  static Optional<String> principalOf(JsonNode user) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : user.path("attributes").path(KERBEROS_PRINCIPAL)) {
      String text = value.asText().strip();
      if (!text.isEmpty() && !values.contains(text)) {
        values.add(text);
      }
    }
    return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
  }
}
