package org.porthole.testsupport.token;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;

/**
 * Signs console tokens as the engine does (compact JWS, Ed25519, header {@code kid} and {@code
 * typ}) with a key of its own, and publishes that key as a JWKS. Written apart from
 * libs/console-token on purpose: what it mints checks the production verifier from outside.
 * Thread-safe.
 */
public final class TokenMint {
  private final String kid;
  private final KeyPair keys;

  public TokenMint(String kid) {
    this.kid = kid;
    try {
      this.keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  public TokenMint() {
    this("test-key-1");
  }

  public String kid() {
    return kid;
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  public PrivateKey privateKey() {
    return keys.getPrivate();
  }

  /** This key by its id, the shape verifiers take their trusted keys in. */
  public Map<String, PublicKey> publicKeys() {
    return Map.of(kid, publicKey());
  }

  /** The JWKS document the engine would serve for this key. */
  public String jwks() {
    return JwksDocument.of(publicKeys());
  }

  /** A valid interactive VNC token for {@code hostId} (see {@link TokenClaims#forHost}). */
  public String sign(String hostId) {
    return sign(TokenClaims.forHost(hostId));
  }

  /** A valid interactive token for console {@code sessionId} of VM {@code vmUuid} on a host. */
  public String token(String sessionId, String vmUuid, String hostId) {
    return sign(TokenClaims.forHost(hostId).withConsole(sessionId, vmUuid));
  }

  /** Like {@link #token}, for a view-only console ({@code mode=view}). */
  public String viewToken(String sessionId, String vmUuid, String hostId) {
    return sign(
        TokenClaims.forHost(hostId).withConsole(sessionId, vmUuid).withMode(TokenClaims.MODE_VIEW));
  }

  /** The compact JWS over {@code claims}, as given (no checks: tests sign bad claims too). */
  public String sign(TokenClaims claims) {
    return TokenForge.signRaw(
        keys.getPrivate(), TokenForge.header(kid), claims.toJson().toString());
  }
}
