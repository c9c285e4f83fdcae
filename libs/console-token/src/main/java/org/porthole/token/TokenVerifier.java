package org.porthole.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.porthole.token.TokenRejectedException.Reason;

/**
 * Verifies console tokens exactly as docs/contracts.md says, cheapest and most dangerous checks
 * first: size, shape, algorithm pinned to {@code EdDSA} (before any key lookup), key id, signature,
 * then every claim (all required and not blank, exp after iat, {@code iss}/{@code aud} pinned, 5 s
 * skew, lifetime ≤ 120 s). It does not redeem {@code jti}: the host agent does that with a {@link
 * ReplayGuard}. Thread-safe. The signature is checked with BouncyCastle's Ed25519 (RFC 8032, ~8x
 * faster than the JDK provider here: see README).
 */
public final class TokenVerifier {

  private static final List<String> FORBIDDEN_HEADERS = List.of("crit", "jku", "jwk", "x5u", "x5c");
  private static final int SIGNATURE_BYTES = 64;
  private static final int MAX_CACHED_KEYS = 64;

  private final VerificationKeys keys;
  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final ConcurrentHashMap<PublicKey, Ed25519PublicKeyParameters> decodedKeys =
      new ConcurrentHashMap<>();

  public TokenVerifier(VerificationKeys keys, String issuer, String audience, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The claims of a valid token.
   *
   * @throws TokenRejectedException with the first reason found; its message holds no token material
   */
  public ConsoleClaims verify(String compactJws) throws TokenRejectedException {
    if (compactJws == null || compactJws.isEmpty()) {
      throw reject(Reason.MALFORMED, "no token");
    }
    if (compactJws.length() > ConsoleTokenFormat.MAX_TOKEN_CHARS) {
      throw reject(
          Reason.OVERSIZED,
          "token longer than " + ConsoleTokenFormat.MAX_TOKEN_CHARS + " characters");
    }
    String[] parts = compactJws.split("\\.", -1);
    if (parts.length != 3) {
      throw reject(Reason.MALFORMED, "token is not three dot-separated parts");
    }
    byte[] headerBytes = decode(parts[0], "header");
    byte[] payloadBytes = decode(parts[1], "payload");
    byte[] signatureBytes = decode(parts[2], "signature");
    String kid = checkHeader(TokenJson.parseObject(utf8(headerBytes), "header"));
    PublicKey key = lookup(kid);
    checkSignature(key, parts[0] + "." + parts[1], signatureBytes);
    return checkClaims(TokenJson.parseObject(utf8(payloadBytes), "payload"));
  }

  private static String checkHeader(ObjectNode header) throws TokenRejectedException {
    JsonNode alg = header.get("alg");
    if (alg == null || !alg.isTextual() || !ConsoleTokenFormat.ALG.equals(alg.asText())) {
      String shown =
          alg != null && alg.isTextual() ? TokenJson.sanitize(alg.asText()) : String.valueOf(alg);
      throw reject(
          Reason.ALGORITHM_NOT_ALLOWED, "alg " + TokenJson.sanitize(shown) + " is not EdDSA");
    }
    for (String name : FORBIDDEN_HEADERS) {
      if (header.has(name)) {
        throw reject(Reason.MALFORMED, "header " + name + " is not allowed");
      }
    }
    JsonNode typ = header.get("typ");
    if (typ != null && !(typ.isTextual() && ConsoleTokenFormat.TYP.equals(typ.asText()))) {
      throw reject(Reason.MALFORMED, "typ is not " + ConsoleTokenFormat.TYP);
    }
    JsonNode kid = header.get("kid");
    if (kid == null || !kid.isTextual() || kid.asText().isEmpty()) {
      throw reject(Reason.UNKNOWN_KEY, "header has no kid");
    }
    return kid.asText();
  }

  private PublicKey lookup(String kid) throws TokenRejectedException {
    Optional<PublicKey> key = keys.find(kid);
    if (key.isEmpty() && keys.refresh()) {
      key = keys.find(kid);
    }
    if (key.isEmpty()) {
      throw reject(Reason.UNKNOWN_KEY, "kid " + TokenJson.sanitize(kid) + " is not in the key set");
    }
    return key.get();
  }

  private void checkSignature(PublicKey key, String signingInput, byte[] signatureBytes)
      throws TokenRejectedException {
    Ed25519PublicKeyParameters raw = rawKey(key);
    if (signatureBytes.length != SIGNATURE_BYTES) {
      throw reject(Reason.BAD_SIGNATURE, "signature is not " + SIGNATURE_BYTES + " bytes");
    }
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(false, raw);
    signer.update(input, 0, input.length);
    if (!signer.verifySignature(signatureBytes)) {
      throw reject(Reason.BAD_SIGNATURE, "signature does not verify");
    }
  }

  /** The decoded key, cached: decoding the point costs about as much as a third of a verify. */
  private Ed25519PublicKeyParameters rawKey(PublicKey key) throws TokenRejectedException {
    Ed25519PublicKeyParameters raw = decodedKeys.get(key);
    if (raw != null) {
      return raw;
    }
    raw =
        Ed25519Raw.publicKey(key)
            .orElseThrow(
                () -> reject(Reason.UNKNOWN_KEY, "key for this kid is not an Ed25519 key"));
    if (decodedKeys.size() >= MAX_CACHED_KEYS) {
      decodedKeys.clear(); // rotated-away keys; the JWKS holds a handful
    }
    decodedKeys.put(key, raw);
    return raw;
  }

  private ConsoleClaims checkClaims(ObjectNode payload) throws TokenRejectedException {
    ClaimReader read = new ClaimReader(payload);
    ConsoleClaims claims =
        new ConsoleClaims(
            read.text(ConsoleTokenFormat.ISS),
            read.text(ConsoleTokenFormat.AUD),
            read.text(ConsoleTokenFormat.SUB),
            read.text(ConsoleTokenFormat.SID),
            read.text(ConsoleTokenFormat.VM),
            read.text(ConsoleTokenFormat.HOST),
            read.text(ConsoleTokenFormat.CH),
            read.time(ConsoleTokenFormat.IAT),
            read.time(ConsoleTokenFormat.NBF),
            read.time(ConsoleTokenFormat.EXP),
            read.text(ConsoleTokenFormat.JTI),
            read.text(ConsoleTokenFormat.MODE),
            ssoClaims(read));
    if (!ConsoleClaims.knownMode(claims.mode())) {
      throw reject(Reason.MISSING_CLAIM, "mode is neither interactive nor view");
    }
    if (!issuer.equals(claims.issuer())) {
      throw reject(Reason.WRONG_ISSUER, "iss is not the configured issuer");
    }
    if (!audience.equals(claims.audience())) {
      throw reject(Reason.WRONG_AUDIENCE, "aud is not the configured audience");
    }
    Instant now = clock.instant();
    Instant late = now.plus(ConsoleTokenFormat.SKEW);
    Instant early = now.minus(ConsoleTokenFormat.SKEW);
    if (claims.notBefore().isAfter(late)) {
      throw reject(Reason.NOT_YET_VALID, "nbf is in the future");
    }
    if (claims.issuedAt().isAfter(late)) {
      throw reject(Reason.NOT_YET_VALID, "iat is in the future");
    }
    if (!early.isBefore(claims.expiresAt())) {
      throw reject(Reason.EXPIRED, "exp has passed");
    }
    long lifetime = claims.expiresAt().getEpochSecond() - claims.issuedAt().getEpochSecond();
    if (lifetime <= 0) {
      throw reject(Reason.MALFORMED, "exp is not after iat");
    }
    if (lifetime > ConsoleTokenFormat.MAX_LIFETIME.toSeconds()) {
      throw reject(
          Reason.LIFETIME_TOO_LONG,
          "exp - iat is "
              + lifetime
              + " s, more than "
              + ConsoleTokenFormat.MAX_LIFETIME.toSeconds()
              + " s");
    }
    return claims;
  }

  /** The SSO claims of a ch=sso token; none may appear on a vnc token; no other channel exists. */
  private static SsoClaims ssoClaims(ClaimReader read) throws TokenRejectedException {
    String channel = read.text(ConsoleTokenFormat.CH);
    if (!ConsoleClaims.knownChannel(channel)) {
      throw reject(Reason.MALFORMED, "ch is neither vnc nor sso");
    }
    if (!ConsoleClaims.CHANNEL_SSO.equals(channel)) {
      for (String name :
          new String[] {
            ConsoleTokenFormat.SPN,
            ConsoleTokenFormat.NONCE,
            ConsoleTokenFormat.DELEG,
            ConsoleTokenFormat.KRB
          }) {
        if (read.has(name)) {
          throw reject(Reason.MALFORMED, "claim " + name + " belongs to ch=sso tokens only");
        }
      }
      return null;
    }
    SsoClaims sso =
        new SsoClaims(
            read.text(ConsoleTokenFormat.SPN),
            read.text(ConsoleTokenFormat.NONCE),
            read.text(ConsoleTokenFormat.DELEG),
            read.text(ConsoleTokenFormat.KRB));
    Optional<String> problem = sso.problem();
    if (problem.isPresent()) {
      throw reject(Reason.MALFORMED, problem.get());
    }
    return sso;
  }

  private static byte[] decode(String part, String what) throws TokenRejectedException {
    try {
      return Base64Url.decode(part);
    } catch (IllegalArgumentException e) {
      throw reject(Reason.MALFORMED, what + " is not base64url");
    }
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static TokenRejectedException reject(Reason reason, String message) {
    return new TokenRejectedException(reason, message);
  }

  /** Reads required claims with their JSON types: strings, or integral seconds for times. */
  private static final class ClaimReader {
    private final ObjectNode payload;

    ClaimReader(ObjectNode payload) {
      this.payload = payload;
    }

    boolean has(String name) {
      return payload.has(name);
    }

    String text(String name) throws TokenRejectedException {
      JsonNode value = payload.get(name);
      if (value == null || !value.isTextual() || value.asText().isBlank()) {
        throw reject(Reason.MISSING_CLAIM, "claim " + name + " is missing or blank");
      }
      return value.asText();
    }

    Instant time(String name) throws TokenRejectedException {
      JsonNode value = payload.get(name);
      if (value == null
          || !value.isIntegralNumber()
          || !value.canConvertToLong()
          || value.asLong() < 0
          || value.asLong() > ConsoleTokenFormat.MAX_EPOCH_SECONDS) {
        throw reject(
            Reason.MISSING_CLAIM,
            "claim " + name + " is missing or not whole seconds since the epoch");
      }
      return Instant.ofEpochSecond(value.asLong());
    }
  }
}
