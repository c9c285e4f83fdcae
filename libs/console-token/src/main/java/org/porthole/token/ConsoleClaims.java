package org.porthole.token;

import java.time.Instant;

/**
 * The signed claims of a console token (see docs/contracts.md, "Console token"). Every field is
 * required; times are whole seconds since the epoch on the wire.
 *
 * @param issuer {@code iss}: the engine's issuer id
 * @param audience {@code aud}: {@code porthole-console}
 * @param subject {@code sub}: the user the console is for
 * @param sessionId {@code sid}: the console session id
 * @param vmUuid {@code vm}: the VM's UUID
 * @param hostId {@code host}: the host agent's id (its gRPC authority)
 * @param channel {@code ch}: {@link #CHANNEL_VNC} or {@link #CHANNEL_SSO}
 * @param issuedAt {@code iat}
 * @param notBefore {@code nbf}
 * @param expiresAt {@code exp}
 * @param tokenId {@code jti}: redeemed once by the host agent
 * @param mode {@code mode}: {@link #MODE_INTERACTIVE} or {@link #MODE_VIEW}; the host agent drops a
 *     view console's input before it reaches QEMU
 * @param sso the four SSO claims; present exactly when {@code channel} is {@link #CHANNEL_SSO}
 */
public record ConsoleClaims(
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
    SsoClaims sso) {

  /** The VNC console channel. */
  public static final String CHANNEL_VNC = "vnc";

  /** The Kerberos SSO channel of a console session (docs/sso-protocol.md). */
  public static final String CHANNEL_SSO = "sso";

  /** The claims of a VNC console token: no SSO claims. */
  public ConsoleClaims(
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
      String mode) {
    this(
        issuer, audience, subject, sessionId, vmUuid, hostId, channel, issuedAt, notBefore,
        expiresAt, tokenId, mode, null);
  }

  /** Keys, pointer and clipboard reach the VM. */
  public static final String MODE_INTERACTIVE = "interactive";

  /** Only the picture: the host agent drops every input message. */
  public static final String MODE_VIEW = "view";

  /** True for a view-only console. */
  public boolean viewOnly() {
    return MODE_VIEW.equals(mode);
  }

  /** True for a token of the SSO channel. */
  public boolean isSso() {
    return CHANNEL_SSO.equals(channel);
  }

  /** True for the two channels the format knows. */
  public static boolean knownChannel(String channel) {
    return CHANNEL_VNC.equals(channel) || CHANNEL_SSO.equals(channel);
  }

  /** True for the two modes the format knows. */
  public static boolean knownMode(String mode) {
    return MODE_INTERACTIVE.equals(mode) || MODE_VIEW.equals(mode);
  }
}
