package org.porthole.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;

/**
 * An Ed25519 signing key with its key id ({@code kid}), as the engine stores and rotates it.
 * Encoded forms are the standard PKCS#8 (private) and X.509 SubjectPublicKeyInfo (public). {@link
 * #toString()} never shows key material.
 */
public final class Ed25519Key {

  static final String ALGORITHM = "Ed25519";

  private final String kid;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private Ed25519Key(String kid, PrivateKey privateKey, PublicKey publicKey) {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("kid must not be blank");
    }
    this.kid = kid;
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
  }

  /** A fresh random key pair. */
  public static Ed25519Key generate(String kid) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      return new Ed25519Key(kid, pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  /**
   * A key pair from its stored encodings.
   *
   * @throws IllegalArgumentException when either encoding is not an Ed25519 key
   */
  public static Ed25519Key fromEncoded(String kid, byte[] pkcs8Private, byte[] x509Public) {
    try {
      KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
      PrivateKey priv = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8Private));
      PublicKey pub = factory.generatePublic(new X509EncodedKeySpec(x509Public));
      return new Ed25519Key(kid, priv, pub);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 key pair for kid " + TokenJson.sanitize(kid));
    }
  }

  /** The key id published in the JWKS and the JWS header. */
  public String kid() {
    return kid;
  }

  /** The public half, for verification and the JWKS. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The private half, for signing. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** PKCS#8 encoding of the private key (a fresh copy). */
  public byte[] encodedPrivate() {
    return privateKey.getEncoded();
  }

  /** X.509 SubjectPublicKeyInfo encoding of the public key (a fresh copy). */
  public byte[] encodedPublic() {
    return publicKey.getEncoded();
  }

  @Override
  public String toString() {
    return "Ed25519Key[kid=" + kid + "]";
  }
}
