package org.porthole.token;

import static org.porthole.token.ConsoleTokenFormat.ALG;
import static org.porthole.token.ConsoleTokenFormat.AUD;
import static org.porthole.token.ConsoleTokenFormat.CH;
import static org.porthole.token.ConsoleTokenFormat.DELEG;
import static org.porthole.token.ConsoleTokenFormat.EXP;
import static org.porthole.token.ConsoleTokenFormat.HOST;
import static org.porthole.token.ConsoleTokenFormat.IAT;
import static org.porthole.token.ConsoleTokenFormat.ISS;
import static org.porthole.token.ConsoleTokenFormat.JTI;
import static org.porthole.token.ConsoleTokenFormat.KRB;
import static org.porthole.token.ConsoleTokenFormat.MAX_EPOCH_SECONDS;
import static org.porthole.token.ConsoleTokenFormat.MAX_LIFETIME;
import static org.porthole.token.ConsoleTokenFormat.MODE;
import static org.porthole.token.ConsoleTokenFormat.NBF;
import static org.porthole.token.ConsoleTokenFormat.NONCE;
import static org.porthole.token.ConsoleTokenFormat.SID;
import static org.porthole.token.ConsoleTokenFormat.SPN;
import static org.porthole.token.ConsoleTokenFormat.SUB;
import static org.porthole.token.ConsoleTokenFormat.TYP;
import static org.porthole.token.ConsoleTokenFormat.VM;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs console tokens as compact JWS with Ed25519 ({@code alg} {@code EdDSA}). Refuses claims a
 * verifier would refuse (missing values, lifetime over 120 s) so a bug shows at the issuer, not as
 * a mysterious rejection at the proxy. Thread-safe: a new signer per call (BouncyCastle's Ed25519,
 * falling back to the JDK's for keys it cannot unwrap).
 */
public final class TokenSigner {

  private final Ed25519Key key;
  private final String encodedHeader;

  /**
   * BouncyCastle form of the key; null when its PKCS#8 encoding is not the plain v1 form (JDK
   * fallback).
   */
  private final Ed25519PrivateKeyParameters rawKey;

  public TokenSigner(Ed25519Key key) {
    this.key = Objects.requireNonNull(key, "key");
    ObjectNode header = TokenJson.MAPPER.createObjectNode();
    header.put("alg", ALG);
    header.put("kid", key.kid());
    header.put("typ", TYP);
    this.rawKey = Ed25519Raw.privateKey(key.privateKey()).orElse(null);
    this.encodedHeader = Base64Url.encode(TokenJson.write(header).getBytes(StandardCharsets.UTF_8));
  }

  /** The key id this signer puts in the header. */
  public String kid() {
    return key.kid();
  }

  /**
   * The compact JWS for {@code claims}.
   *
   * @throws IllegalArgumentException when a claim is missing or blank, or the lifetime ({@code exp
   *     - iat}) is not in (0, 120] seconds
   */
  public String sign(ConsoleClaims claims) {
    Objects.requireNonNull(claims, "claims");
    ObjectNode payload = TokenJson.MAPPER.createObjectNode();
    payload.put(ISS, required(ISS, claims.issuer()));
    payload.put(AUD, required(AUD, claims.audience()));
    payload.put(SUB, required(SUB, claims.subject()));
    payload.put(SID, required(SID, claims.sessionId()));
    payload.put(VM, required(VM, claims.vmUuid()));
    payload.put(HOST, required(HOST, claims.hostId()));
    payload.put(CH, required(CH, claims.channel()));
    payload.put(IAT, seconds(IAT, claims.issuedAt()));
    payload.put(NBF, seconds(NBF, claims.notBefore()));
    payload.put(EXP, seconds(EXP, claims.expiresAt()));
    payload.put(JTI, required(JTI, claims.tokenId()));
    if (!ConsoleClaims.knownMode(claims.mode())) {
      throw new IllegalArgumentException("claim mode must be interactive or view");
    }
    payload.put(MODE, claims.mode());
    putSso(payload, claims);
    Duration lifetime = Duration.ofSeconds(payload.get(EXP).asLong() - payload.get(IAT).asLong());
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "token lifetime must be 1.."
              + MAX_LIFETIME.toSeconds()
              + " s, was "
              + lifetime.toSeconds()
              + " s");
    }
    String signingInput =
        encodedHeader
            + "."
            + Base64Url.encode(TokenJson.write(payload).getBytes(StandardCharsets.UTF_8));
    return signingInput + "." + Base64Url.encode(signature(signingInput));
  }

  private static void putSso(ObjectNode payload, ConsoleClaims claims) {
    if (!ConsoleClaims.knownChannel(claims.channel())) {
      throw new IllegalArgumentException("claim ch must be vnc or sso");
    }
    SsoClaims sso = claims.sso();
    if (claims.isSso() != (sso != null)) {
      throw new IllegalArgumentException("the SSO claims go with ch=sso and only with it");
    }
    if (sso == null) {
      return;
    }
    sso.problem()
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
    payload.put(SPN, sso.spn());
    payload.put(NONCE, sso.nonce());
    payload.put(DELEG, sso.delegation());
    payload.put(KRB, sso.principal());
  }

  private byte[] signature(String signingInput) {
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    if (rawKey != null) {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, rawKey);
      signer.update(input, 0, input.length);
      return signer.generateSignature();
    }
    try {
      Signature signature = Signature.getInstance(Ed25519Key.ALGORITHM);
      signature.initSign(key.privateKey());
      signature.update(input);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed for kid " + key.kid(), e);
    }
  }

  private static String required(String claim, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("claim " + claim + " is required");
    }
    return value;
  }

  private static long seconds(String claim, Instant value) {
    if (value == null) {
      throw new IllegalArgumentException("claim " + claim + " is required");
    }
    long seconds = value.getEpochSecond();
    if (seconds < 0 || seconds > MAX_EPOCH_SECONDS) {
      throw new IllegalArgumentException("claim " + claim + " is out of range");
    }
    return seconds;
  }
}
