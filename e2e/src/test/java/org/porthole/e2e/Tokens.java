package org.porthole.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/** What an attacker can do to a console token without the engine's key. */
final class Tokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  private Tokens() {}

  static ObjectNode claims(String token) throws IOException {
    return (ObjectNode) JSON.readTree(D64.decode(token.split("\\.")[1]));
  }

  /** The same header and signature over a payload with one claim changed. */
  static String withClaim(String token, String claim, String value) throws IOException {
    String[] parts = token.split("\\.");
    ObjectNode payload = claims(token);
    payload.put(claim, value);
    return parts[0] + "." + encode(payload) + "." + parts[2];
  }

  /** The original claims, signed by a key the engine never published. */
  static String signedByStranger(String token) throws IOException, GeneralSecurityException {
    PrivateKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    String header =
        B64.encodeToString(
            "{\"alg\":\"EdDSA\",\"kid\":\"attacker\",\"typ\":\"porthole-console+jwt\"}"
                .getBytes(StandardCharsets.UTF_8));
    String input = header + "." + token.split("\\.")[1];
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(s.sign());
  }

  /** The original claims with {@code alg: none} and no signature. */
  static String unsigned(String token) throws IOException {
    String kid = JSON.readTree(D64.decode(token.split("\\.")[0])).path("kid").asText();
    String header =
        B64.encodeToString(
            ("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
    return header + "." + token.split("\\.")[1] + ".";
  }

  private static String encode(ObjectNode node) throws IOException {
    return B64.encodeToString(JSON.writeValueAsBytes(node));
  }
}
