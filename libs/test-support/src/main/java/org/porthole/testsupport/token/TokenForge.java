package org.porthole.testsupport.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * What an attacker (or a buggy issuer) can make of a console token: JWS over any header and
 * payload, a claim changed under the old signature, the claims signed by a stranger's key, {@code
 * alg: none}.
 */
public final class TokenForge {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  private TokenForge() {}

  /** The header the engine writes for key {@code kid}. */
  public static String header(String kid) {
    return "{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"porthole-console+jwt\"}";
  }

  /** Base64url without padding of the UTF-8 text. */
  public static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A compact JWS over arbitrary header and payload JSON, with a genuine Ed25519 signature. */
  public static String signRaw(PrivateKey key, String headerJson, String payloadJson) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The payload of a compact token. */
  public static ObjectNode claims(String token) {
    return (ObjectNode) readJson(token.split("\\.")[1]);
  }

  /** The same header and signature over a payload with one claim changed. */
  public static String withClaim(String token, String claim, String value) {
    String[] parts = token.split("\\.");
    ObjectNode payload = claims(token);
    payload.put(claim, value);
    return parts[0] + "." + b64(payload.toString()) + "." + parts[2];
  }

  /** The original claims, signed by a key the engine never published ({@code kid attacker}). */
  public static String signedByStranger(String token) {
    try {
      PrivateKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
      return signRaw(key, header("attacker"), claims(token).toString());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The original claims with {@code alg: none} and no signature. */
  public static String unsigned(String token) {
    String kid = readJson(token.split("\\.")[0]).path("kid").asText();
    return b64("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}") + "." + token.split("\\.")[1] + ".";
  }

  private static com.fasterxml.jackson.databind.JsonNode readJson(String part) {
    try {
      return JSON.readTree(D64.decode(part));
    } catch (IOException e) {
      throw new UncheckedIOException("not a token part: " + part, e);
    }
  }
}
