package org.porthole.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.porthole.token.TokenRejectedException.Reason;

/**
 * The JSON Web Key Set the engine publishes ({@code GET /api/v1/jwks}): Ed25519 keys as {@code
 * {"kty":"OKP","crv":"Ed25519","kid":…,"x":…,"use":"sig","alg":"EdDSA"}}, where {@code x} is the
 * raw 32-byte public key in base64url. Parsing is strict about the keys it uses and ignores keys of
 * other types, so the engine can add other algorithms later.
 */
public final class Jwks {

  /** Largest JWKS document accepted, in characters. */
  public static final int MAX_JWKS_CHARS = 64 * 1024;

  private static final int RAW_KEY_BYTES = 32;
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private Jwks() {}

  /** The JWKS document for these keys, in map iteration order. */
  public static String toJson(Map<String, PublicKey> keysByKid) {
    ObjectNode root = TokenJson.MAPPER.createObjectNode();
    ArrayNode keys = root.putArray("keys");
    for (Map.Entry<String, PublicKey> entry : keysByKid.entrySet()) {
      ObjectNode jwk = keys.addObject();
      jwk.put("kty", "OKP");
      jwk.put("crv", "Ed25519");
      jwk.put("kid", entry.getKey());
      jwk.put("x", Base64Url.encode(rawPublicKey(entry.getValue())));
      jwk.put("use", "sig");
      jwk.put("alg", ConsoleTokenFormat.ALG);
    }
    return TokenJson.write(root);
  }

  /**
   * The Ed25519 keys of a JWKS document by {@code kid}. Keys whose {@code kty}/{@code crv} is not
   * OKP/Ed25519, or whose {@code use}/{@code alg} say they are not for EdDSA signatures, are
   * skipped.
   *
   * @throws TokenRejectedException {@code MALFORMED} for invalid JSON, a missing {@code keys}
   *     array, an Ed25519 key without a valid {@code kid} or 32-byte {@code x}, a duplicate {@code
   *     kid}, or a document over 64 KiB
   */
  public static Map<String, PublicKey> parse(String json) throws TokenRejectedException {
    if (json == null || json.length() > MAX_JWKS_CHARS) {
      throw malformed("JWKS document is missing or larger than " + MAX_JWKS_CHARS + " characters");
    }
    JsonNode keys = TokenJson.parseObject(json, "JWKS").get("keys");
    if (keys == null || !keys.isArray()) {
      throw malformed("JWKS has no keys array");
    }
    Map<String, PublicKey> result = new LinkedHashMap<>();
    for (JsonNode jwk : keys) {
      if (!jwk.isObject()) {
        throw malformed("JWKS entry is not an object");
      }
      if (!isEd25519SigningKey(jwk)) {
        continue;
      }
      String kid = text(jwk, "kid");
      String x = text(jwk, "x");
      if (kid == null || kid.isBlank() || x == null) {
        throw malformed("Ed25519 JWK without kid or x");
      }
      if (result.put(kid, publicKey(x)) != null) {
        throw malformed("duplicate kid " + TokenJson.sanitize(kid) + " in JWKS");
      }
    }
    return Map.copyOf(result);
  }

  /** The raw 32-byte Ed25519 public key of a Java public key. */
  static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (!(key instanceof EdECPublicKey)
        || encoded == null
        || encoded.length != X509_PREFIX.length + RAW_KEY_BYTES
        || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
  }

  /** A Java public key from the base64url raw key {@code x}. */
  static PublicKey publicKey(String x) throws TokenRejectedException {
    byte[] raw;
    try {
      raw = Base64Url.decode(x);
    } catch (IllegalArgumentException e) {
      throw malformed("JWK x is not base64url");
    }
    if (raw.length != RAW_KEY_BYTES) {
      throw malformed("JWK x is not " + RAW_KEY_BYTES + " bytes");
    }
    byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + RAW_KEY_BYTES);
    System.arraycopy(raw, 0, encoded, X509_PREFIX.length, RAW_KEY_BYTES);
    try {
      return KeyFactory.getInstance(Ed25519Key.ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw malformed("JWK x is not an Ed25519 public key");
    }
  }

  private static boolean isEd25519SigningKey(JsonNode jwk) {
    String use = text(jwk, "use");
    String alg = text(jwk, "alg");
    return "OKP".equals(text(jwk, "kty"))
        && "Ed25519".equals(text(jwk, "crv"))
        && (use == null || "sig".equals(use))
        && (alg == null || ConsoleTokenFormat.ALG.equals(alg));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static TokenRejectedException malformed(String message) {
    return new TokenRejectedException(Reason.MALFORMED, message);
  }
}
