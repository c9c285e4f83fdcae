package org.porthole.testsupport.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The claims of a console token as docs/contracts.md defines them, with the values the engine would
 * put there by default, and withers so a test changes only what it is about (another host, a
 * view-only mode, an expiry in the past).
 */
public record TokenClaims(
    String issuer,
    String audience,
    String subject,
    String sessionId,
    String vmUuid,
    String hostId,
    String channel,
    Instant issuedAt,
    Instant notBefore,
    Instant expiresAt,
    String tokenId,
    String mode,
    Sso sso) {

  public static final String ISSUER = "porthole-engine";
  public static final String AUDIENCE = "porthole-console";
  public static final String CHANNEL_VNC = "vnc";
  public static final String CHANNEL_SSO = "sso";
  public static final String MODE_INTERACTIVE = "interactive";
  public static final String MODE_VIEW = "view";

  /** The engine's lifetime for a console token. */
  public static final long LIFETIME_SECONDS = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An interactive VNC console for user {@code alice} on {@code hostId}: fresh session, VM and
   * {@code jti}, valid for 60 s from now (whole seconds, as the token carries them).
   */
  public static TokenClaims forHost(String hostId) {
    return forHost(hostId, Instant.now());
  }

  /** Like {@link #forHost(String)}, issued at {@code now}. */
  public static TokenClaims forHost(String hostId, Instant now) {
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
    return new TokenClaims(
        ISSUER,
        AUDIENCE,
        "alice",
        UUID.randomUUID().toString(),
        UUID.randomUUID().toString(),
        hostId,
        CHANNEL_VNC,
        iat,
        iat,
        iat.plusSeconds(LIFETIME_SECONDS),
        UUID.randomUUID().toString(),
        MODE_INTERACTIVE,
        null);
  }

  public TokenClaims withIssuer(String value) {
    return new TokenClaims(
        value, audience, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore,
        expiresAt, tokenId, mode, sso);
  }

  public TokenClaims withAudience(String value) {
    return new TokenClaims(
        issuer, value, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore, expiresAt,
        tokenId, mode, sso);
  }

  public TokenClaims withSubject(String value) {
    return new TokenClaims(
        issuer, audience, value, sessionId, vmUuid, hostId, channel, issuedAt, notBefore, expiresAt,
        tokenId, mode, sso);
  }

  /** The console session and the VM it shows. */
  public TokenClaims withConsole(String session, String vm) {
    return new TokenClaims(
        issuer, audience, subject, session, vm, hostId, channel, issuedAt, notBefore, expiresAt,
        tokenId, mode, sso);
  }

  public TokenClaims withHost(String value) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, value, channel, issuedAt, notBefore,
        expiresAt, tokenId, mode, sso);
  }

  public TokenClaims withChannel(String value) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, hostId, value, issuedAt, notBefore, expiresAt,
        tokenId, mode, sso);
  }

  /** {@code iat}, {@code nbf} and {@code exp}. */
  public TokenClaims withTimes(Instant iat, Instant nbf, Instant exp) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, hostId, channel, iat, nbf, exp, tokenId, mode,
        sso);
  }

  /** Issued (and valid from) {@code iat}, for {@code lifetimeSeconds}. */
  public TokenClaims issuedAt(Instant iat, long lifetimeSeconds) {
    return withTimes(iat, iat, iat.plusSeconds(lifetimeSeconds));
  }

  public TokenClaims withTokenId(String value) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore,
        expiresAt, value, mode, sso);
  }

  public TokenClaims withMode(String value) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore,
        expiresAt, tokenId, value, sso);
  }

  /**
   * The claims only an SSO channel token carries.
   *
   * @param spn {@code spn}, {@code host/<fqdn>@REALM}
   * @param nonce {@code nonce}, 16..128 base64url characters
   * @param delegation {@code deleg}: never, ok-as-delegate or always
   * @param principal {@code krb}: the console user's Kerberos principal
   */
  public record Sso(String spn, String nonce, String delegation, String principal) {

    /** The stack's demo values: the demo VM's principal, alice, the default policy. */
    public static Sso demo() {
      return new Sso(
          "host/porthole-demo.porthole.test@PORTHOLE.TEST",
          "bm9uY2Utb2YtdGhlLXNlc3Npb24",
          "ok-as-delegate",
          "alice@PORTHOLE.TEST");
    }
  }

  /** An SSO channel token of the same console: {@code ch=sso} and its four claims. */
  public TokenClaims withSso(Sso value) {
    return new TokenClaims(
        issuer,
        audience,
        subject,
        sessionId,
        vmUuid,
        hostId,
        CHANNEL_SSO,
        issuedAt,
        notBefore,
        expiresAt,
        tokenId,
        mode,
        value);
  }

  /** The SSO claims alone, whatever the channel (for tokens the format must refuse). */
  public TokenClaims withSsoClaims(Sso value) {
    return new TokenClaims(
        issuer, audience, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore,
        expiresAt, tokenId, mode, value);
  }

  /** The payload as the engine writes it: every claim, times in epoch seconds. */
  public ObjectNode toJson() {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("iss", issuer);
    payload.put("aud", audience);
    payload.put("sub", subject);
    payload.put("sid", sessionId);
    payload.put("vm", vmUuid);
    payload.put("host", hostId);
    payload.put("ch", channel);
    payload.put("iat", issuedAt.getEpochSecond());
    payload.put("nbf", notBefore.getEpochSecond());
    payload.put("exp", expiresAt.getEpochSecond());
    payload.put("jti", tokenId);
    payload.put("mode", mode);
    if (sso != null) {
      payload.put("spn", sso.spn());
      payload.put("nonce", sso.nonce());
      payload.put("deleg", sso.delegation());
      payload.put("krb", sso.principal());
    }
    return payload;
  }
}
