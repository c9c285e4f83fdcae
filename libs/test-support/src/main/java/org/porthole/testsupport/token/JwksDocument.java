package org.porthole.testsupport.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A JWKS of Ed25519 keys as RFC 8037 writes them: {@code kty OKP}, {@code crv Ed25519}, {@code x}
 * the raw 32-byte key in base64url.
 */
public final class JwksDocument {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An Ed25519 key's X.509 encoding is this 12-byte prefix and the raw key. */
  private static final int X509_PREFIX_BYTES = 12;

  private JwksDocument() {}

  public static String of(Map<String, PublicKey> keysByKid) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode keys = root.putArray("keys");
    keysByKid.forEach(
        (kid, key) -> {
          ObjectNode jwk = keys.addObject();
          jwk.put("kty", "OKP");
          jwk.put("crv", "Ed25519");
          jwk.put("kid", kid);
          jwk.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw(key)));
          jwk.put("use", "sig");
          jwk.put("alg", "EdDSA");
        });
    return root.toString();
  }

  private static byte[] raw(PublicKey key) {
    byte[] encoded = key.getEncoded();
    return Arrays.copyOfRange(encoded, X509_PREFIX_BYTES, encoded.length);
  }
}
