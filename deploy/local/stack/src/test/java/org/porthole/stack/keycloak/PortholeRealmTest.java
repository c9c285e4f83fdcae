package org.porthole.stack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.stack.kerberos.Kdc;

/**
 * The realm Porthole ships: what sign-in and the tests rely on, checked without starting Keycloak
 * (the file is only read by Keycloak at import, where a slip shows up a minute late).
 */
class PortholeRealmTest {
  private static final Path REALM_JSON =
      Path.of(System.getProperty("porthole.repo", "../../.."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/local/keycloak/porthole-realm.json");

  private final JsonNode realm = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper().readTree(Files.readString(REALM_JSON));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyDemoUserIsFullySetUpAndLinkedToKerberos() {
    String kerberosId =
        realm.at("/components/org.keycloak.storage.UserStorageProvider/0/id").asText();
    List<String> names = new ArrayList<>();
    for (JsonNode user : realm.get("users")) {
      if (user.has("serviceAccountClientId")) {
        continue;
      }
      String name = user.get("username").asText();
      names.add(name);
      assertThat(user.path("firstName").asText()).as(name + " first name").isNotBlank();
      assertThat(user.path("lastName").asText()).as(name + " last name").isNotBlank();
      assertThat(user.path("email").asText()).as(name + " email").contains("@");
      assertThat(user.path("federationLink").asText()).as(name).isEqualTo(kerberosId);
      assertThat(user.at("/attributes/KERBEROS_PRINCIPAL/0").asText())
          .isEqualTo(name + "@" + Kdc.REALM);
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(Kdc.DEMO_USERS.keySet());
  }

  @Test
  void shipsNoPasswordOrSecretInClearText() throws Exception {
    String text = Files.readString(REALM_JSON);
    assertThat(text).doesNotContain("\"credentials\"");
    for (String password : Kdc.DEMO_USERS.values()) {
      assertThat(text).doesNotContain(password);
    }
    JsonNode engine = client("porthole-engine");
    assertThat(engine.get("secret").asText()).isEqualTo("${PORTHOLE_ENGINE_CLIENT_SECRET}");
  }

  @Test
  void kerberosFederationPointsAtTheStackRealmAndKeytab() {
    JsonNode config = realm.at("/components/org.keycloak.storage.UserStorageProvider/0/config");
    assertThat(
            realm.at("/components/org.keycloak.storage.UserStorageProvider/0/providerId").asText())
        .isEqualTo("kerberos");
    assertThat(config.at("/kerberosRealm/0").asText()).isEqualTo(Kdc.REALM);
    assertThat(config.at("/serverPrincipal/0").asText()).isEqualTo(Kdc.HTTP_PRINCIPAL);
    assertThat(config.at("/keyTab/0").asText()).isEqualTo("${PORTHOLE_KERBEROS_KEYTAB}");
    assertThat(config.at("/allowPasswordAuthentication/0").asText()).isEqualTo("true");
  }

  /**
   * Keycloak ignores the port of an {@code http://localhost} or {@code http://127.0.0.1} redirect
   * URI when it matches (RFC 8252 section 7.3), so {@code http://localhost/*} admits the engine on
   * any local port; a {@code :*} port wildcard is not understood and would refuse every login. The
   * one non-loopback address is the engine of the one-node Kubernetes ({@code ci/dev-values.yaml}
   * of the chart: its NodePort on the node's address).
   */
  @Test
  void engineClientIsConfidentialCodeFlowOnlyAndCliIsPublic() {
    JsonNode engine = client("porthole-engine");
    assertThat(engine.get("publicClient").asBoolean()).isFalse();
    assertThat(engine.get("standardFlowEnabled").asBoolean()).isTrue();
    assertThat(engine.get("directAccessGrantsEnabled").asBoolean()).isFalse();
    assertThat(engine.get("implicitFlowEnabled").asBoolean()).isFalse();
    assertThat(texts(engine.get("redirectUris")))
        .containsExactly(
            "http://localhost:8080/*",
            "http://localhost/*",
            "http://127.0.0.1/*",
            "http://10.213.0.1:30080/*");
    JsonNode cli = client("porthole-cli");
    assertThat(cli.get("publicClient").asBoolean()).isTrue();
    assertThat(cli.get("directAccessGrantsEnabled").asBoolean()).isTrue();
    assertThat(cli.get("standardFlowEnabled").asBoolean()).isFalse();
  }

  /** The engine reads users through its service account, which may only view and query them. */
  @Test
  void engineServiceAccountMayOnlyReadUsersAndGroups() {
    assertThat(client("porthole-engine").get("serviceAccountsEnabled").asBoolean()).isTrue();
    JsonNode account = null;
    for (JsonNode user : realm.get("users")) {
      if ("porthole-engine".equals(user.path("serviceAccountClientId").asText())) {
        account = user;
      }
    }
    assertThat(account).as("service account user of porthole-engine").isNotNull();
    assertThat(account.get("username").asText()).isEqualTo("service-account-porthole-engine");
    assertThat(texts(account.at("/clientRoles/realm-management")))
        .containsExactlyInAnyOrder("view-users", "query-users", "query-groups");
    assertThat(account.path("realmRoles").size()).isZero();
  }

  /**
   * Tokens of both clients name the engine in {@code aud}; the engine accepts no other bearer
   * token.
   */
  @Test
  void bothClientsPutTheEngineInTheAudience() {
    for (String id : List.of("porthole-engine", "porthole-cli")) {
      List<String> audiences = new ArrayList<>();
      for (JsonNode mapper : client(id).get("protocolMappers")) {
        if ("oidc-audience-mapper".equals(mapper.path("protocolMapper").asText())) {
          assertThat(mapper.at("/config/access.token.claim").asText()).isEqualTo("true");
          audiences.add(mapper.at("/config/included.client.audience").asText());
        }
      }
      assertThat(audiences).as(id).containsExactly("porthole-engine");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private JsonNode client(String id) {
    for (JsonNode c : realm.get("clients")) {
      if (id.equals(c.get("clientId").asText())) {
        return c;
      }
    }
    throw new AssertionError("no client " + id);
  }
}
