package org.porthole.engine.token;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.it.StackResource;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.HttpJwksKeys;
import org.porthole.token.TokenVerifier;

/**
 * The JWKS endpoint over rotation: the new key signs, the retired one keeps verifying tokens in
 * flight.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class JwksRotationIT {

  @Inject SigningKeys keys;

  @Inject ConsoleTokens tokens;

  @Inject Transactions transactions;

  @TestHTTPResource("/api/v1/jwks")
  URI jwks;

  @Test
  void servesTheSigningKeyAsAnEd25519Jwk() {
    JsonPath body =
        given()
            .get("/api/v1/jwks")
            .then()
            .statusCode(200)
            .contentType("application/json")
            .extract()
            .jsonPath();
    List<Map<String, String>> published = body.getList("keys");

    assertThat(published).extracting(k -> k.get("kid")).contains(keys.signingKid());
    Map<String, String> current =
        published.stream()
            .filter(k -> k.get("kid").equals(keys.signingKid()))
            .findFirst()
            .orElseThrow();
    assertThat(current)
        .containsEntry("kty", "OKP")
        .containsEntry("crv", "Ed25519")
        .containsEntry("alg", "EdDSA")
        .containsEntry("use", "sig")
        .containsKey("x")
        .doesNotContainKey("d");
  }

  @Test
  void tokenSignedBeforeRotationStillVerifiesAfterIt() throws Exception {
    String before = sign();
    String oldKid = kidOf(before);

    keys.rotateNow();
    String after = sign();

    assertThat(kidOf(after)).isNotEqualTo(oldKid).isEqualTo(keys.signingKid());
    List<String> kids = given().get("/api/v1/jwks").jsonPath().getList("keys.kid");
    assertThat(kids).contains(oldKid, kidOf(after));
    assertThat(verify(before).vmUuid()).isNotBlank();
    assertThat(verify(after).vmUuid()).isNotBlank();
  }

  @Test
  void retiredKeyLeavesTheJwksAfterItsGrace() throws Exception {
    String oldKid = keys.signingKid();
    keys.rotateNow();
    backdateRetirement(oldKid, Instant.now().minus(KeyRing.RETIRED_KEY_GRACE).minusSeconds(1));

    assertThat(given().get("/api/v1/jwks").jsonPath().getList("keys.kid", String.class))
        .doesNotContain(oldKid)
        .contains(keys.signingKid());
    keys.maintain();
    assertThat(storedKids()).doesNotContain(oldKid).contains(keys.signingKid());
  }

  @Test
  void maintenanceKeepsAFreshKey() throws Exception {
    keys.maintain();
    String kid = keys.signingKid();
    int count = storedKids().size();
    keys.maintain();
    assertThat(keys.signingKid()).isEqualTo(kid);
    assertThat(storedKids()).hasSize(count);
  }

  private String sign() {
    return tokens
        .sign(
            "it@loopback",
            UUID.randomUUID(),
            UUID.randomUUID(),
            "127.0.0.1:9443",
            "vnc",
            ConsoleClaims.MODE_INTERACTIVE,
            120)
        .compact();
  }

  private ConsoleClaims verify(String token) throws Exception {
    return new TokenVerifier(
            new HttpJwksKeys(jwks, Clock.systemUTC()),
            "porthole-engine",
            "porthole-console",
            Clock.systemUTC())
        .verify(token);
  }

  private static String kidOf(String token) {
    String header =
        new String(
            Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
            StandardCharsets.UTF_8);
    return new JsonPath(header).getString("kid");
  }

  private void backdateRetirement(String kid, Instant at) throws SQLException {
    transactions.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement("UPDATE signing_keys SET retired_at = ? WHERE kid = ?")) {
            statement.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setString(2, kid);
            return statement.executeUpdate();
          }
        });
  }

  private List<String> storedKids() throws SQLException {
    return transactions.read(
        connection -> {
          try (PreparedStatement statement =
                  connection.prepareStatement("SELECT kid FROM signing_keys");
              ResultSet rows = statement.executeQuery()) {
            List<String> kids = new ArrayList<>();
            while (rows.next()) {
              kids.add(rows.getString(1));
            }
            return kids;
          }
        });
  }
}
