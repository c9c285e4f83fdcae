package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.token.TokenRejectedException.Reason;

class JwksTest {

  /** RFC 8037 appendix A.2: the public key of the A.1 example key pair. */
  private static final String RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

  /** RFC 8037 appendix A.4: the signing input and the Ed25519 signature over it. */
  private static final String RFC8037_INPUT =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";

  private static final String RFC8037_SIGNATURE =
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

  @Test
  void roundTrip() throws Exception {
    Ed25519Key a = Ed25519Key.generate("a");
    Ed25519Key b = Ed25519Key.generate("b");
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    keys.put("a", a.publicKey());
    keys.put("b", b.publicKey());
    String json = Jwks.toJson(keys);
    Map<String, PublicKey> parsed = Jwks.parse(json);
    assertEquals(2, parsed.size());
    assertArrayEquals(a.encodedPublic(), parsed.get("a").getEncoded());
    assertArrayEquals(b.encodedPublic(), parsed.get("b").getEncoded());

    JsonNode jwk = TokenJson.MAPPER.readTree(json).get("keys").get(0);
    assertEquals("OKP", jwk.get("kty").asText());
    assertEquals("Ed25519", jwk.get("crv").asText());
    assertEquals("sig", jwk.get("use").asText());
    assertEquals("EdDSA", jwk.get("alg").asText());
    assertEquals(43, jwk.get("x").asText().length());
    byte[] encoded = a.encodedPublic();
    assertArrayEquals(
        java.util.Arrays.copyOfRange(encoded, 12, 44), Base64Url.decode(jwk.get("x").asText()));
  }

  @Test
  void parsesRfc8037KeyAndVerifiesItsExampleSignature() throws Exception {
    String json =
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"rfc\",\"x\":\""
            + RFC8037_X
            + "\"}]}";
    PublicKey key = Jwks.parse(json).get("rfc");
    assertEquals(
        "302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        HexFormat.of().formatHex(key.getEncoded()));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(key);
    verifier.update(RFC8037_INPUT.getBytes(StandardCharsets.US_ASCII));
    assertTrue(verifier.verify(Base64Url.decode(RFC8037_SIGNATURE)));
    assertEquals(RFC8037_X, Base64Url.encode(Jwks.rawPublicKey(key)));
  }

  @Test
  void skipsKeysOfOtherTypes() throws Exception {
    Ed25519Key a = Ed25519Key.generate("a");
    String x = Base64Url.encode(Jwks.rawPublicKey(a.publicKey()));
    String json =
        "{\"keys\":["
            + "{\"kty\":\"RSA\",\"kid\":\"r\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
            + "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e\",\"x\":\"AA\",\"y\":\"AA\"},"
            + "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x\",\"x\":\""
            + x
            + "\"},"
            + "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"enc\",\"use\":\"enc\",\"x\":\""
            + x
            + "\"},"
            + "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",\"x\":\""
            + x
            + "\"}]}";
    assertEquals(List.of("a"), List.copyOf(Jwks.parse(json).keySet()));
  }

  @Test
  void rejectsMalformedJwks() {
    String x = Base64Url.encode(Jwks.rawPublicKey(Ed25519Key.generate("a").publicKey()));
    String okp = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",";
    List<String> hostile =
        List.of(
            "",
            "null",
            "[]",
            "{}",
            "not json",
            "{\"keys\":{}}",
            "{\"keys\":[1]}",
            "{\"keys\":[",
            "{\"keys\":[" + okp + "\"x\":\"" + x + "\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"\",\"x\":\"" + x + "\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"a\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"a\",\"x\":\"" + x.substring(2) + "\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"a\",\"x\":\"" + x + "AAAA\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"a\",\"x\":\"" + x.replace('A', '+') + "=\"}]}",
            "{\"keys\":["
                + okp
                + "\"kid\":\"a\",\"x\":\""
                + x
                + "\"},"
                + okp
                + "\"kid\":\"a\",\"x\":\""
                + x
                + "\"}]}",
            "{\"keys\":[" + okp + "\"kid\":\"a\",\"kid\":\"b\",\"x\":\"" + x + "\"}]}",
            "{\"keys\":[]} trailing",
            "{\"keys\":[],\"pad\":\"" + "x".repeat(Jwks.MAX_JWKS_CHARS) + "\"}",
            "[".repeat(5000) + "]".repeat(5000));
    for (String json : hostile) {
      TokenRejectedException e =
          assertThrows(
              TokenRejectedException.class,
              () -> Jwks.parse(json),
              json.length() > 80 ? json.substring(0, 80) : json);
      assertEquals(Reason.MALFORMED, e.reason());
    }
    assertThrows(TokenRejectedException.class, () -> Jwks.parse(null));
  }

  @Test
  void emptyKeySetIsValid() throws Exception {
    assertEquals(Map.of(), Jwks.parse("{\"keys\":[]}"));
    assertEquals("{\"keys\":[]}", Jwks.toJson(Map.of()));
  }

  @Test
  void toJsonRefusesNonEd25519Key() throws Exception {
    PublicKey ec = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
    assertThrows(IllegalArgumentException.class, () -> Jwks.toJson(Map.of("e", ec)));
  }
}
