package org.porthole.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The realm Porthole ships: what sign-in and the tests rely on, checked without starting
 * Keycloak (the file is only read by Keycloak at import, where a slip shows up a minute late).
 */
class PortholeRealmTest {
  private static final Path REALM_JSON = Path.of(System.getProperty("porthole.repo", "../.."))
      .toAbsolutePath().normalize().resolve("deploy/local/keycloak/porthole-realm.json");

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
    String kerberosId = realm.at("/components/org.keycloak.storage.UserStorageProvider/0/id").asText();
    List<String> names = new ArrayList<>();
    for (JsonNode user : realm.get("users")) {
      String name = user.get("username").asText();
      names.add(name);
      assertThat(user.path("firstName").asText()).as(name + " first name").isNotBlank();
      assertThat(user.path("lastName").asText()).as(name + " last name").isNotBlank();
      assertThat(user.path("email").asText()).as(name + " email").contains("@");
      assertThat(user.path("federationLink").asText()).as(name).isEqualTo(kerberosId);
      assertThat(user.at("/attributes/KERBEROS_PRINCIPAL/0").asText()).isEqualTo(name + "@" + Kdc.REALM);
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
    assertThat(realm.at("/components/org.keycloak.storage.UserStorageProvider/0/providerId").asText())
        .isEqualTo("kerberos");
    assertThat(config.at("/kerberosRealm/0").asText()).isEqualTo(Kdc.REALM);
    assertThat(config.at("/serverPrincipal/0").asText()).isEqualTo(Kdc.HTTP_PRINCIPAL);
    assertThat(config.at("/keyTab/0").asText()).isEqualTo("${PORTHOLE_KERBEROS_KEYTAB}");
    assertThat(config.at("/allowPasswordAuthentication/0").asText()).isEqualTo("true");
  }

  @Test
  void engineClientIsConfidentialCodeFlowOnlyAndCliIsPublic() {
    JsonNode engine = client("porthole-engine");
    assertThat(engine.get("publicClient").asBoolean()).isFalse();
    assertThat(engine.get("standardFlowEnabled").asBoolean()).isTrue();
    assertThat(engine.get("directAccessGrantsEnabled").asBoolean()).isFalse();
    assertThat(engine.get("implicitFlowEnabled").asBoolean()).isFalse();
    assertThat(engine.at("/redirectUris/0").asText()).isEqualTo("http://localhost:8080/*");
    JsonNode cli = client("porthole-cli");
    assertThat(cli.get("publicClient").asBoolean()).isTrue();
    assertThat(cli.get("directAccessGrantsEnabled").asBoolean()).isTrue();
    assertThat(cli.get("standardFlowEnabled").asBoolean()).isFalse();
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
