package org.porthole.wsproxy.refusal;

import java.util.Objects;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * One connection the proxy refused: the status it answered, a reason safe to store and show, the
 * client address as the proxy saw it and, when the token verified and was refused for another
 * reason (a wrong channel), whom it named. Never carries a token or any other secret.
 *
 * @param status the status answered (its HTTP code before the upgrade, its close code after)
 * @param reason why, in words that contain no secret
 * @param clientAddress {@code ip:port} of the client
 * @param claims what the verified token named; {@code null} when no token verified
 */
public record Refusal(
    PortholeStatus status, String reason, String clientAddress, VerifiedClaims claims) {

  /**
   * The claims of a token whose signature and times held: only what the audit names (no token id
   * and nothing else a token carries).
   *
   * @param vmUuid {@code vm}
   * @param sessionId {@code sid}
   * @param subject {@code sub}
   */
  public record VerifiedClaims(String vmUuid, String sessionId, String subject) {
    public VerifiedClaims {
      Objects.requireNonNull(vmUuid, "vmUuid");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(subject, "subject");
    }

    /** The audit's part of {@code claims}. */
    public static VerifiedClaims of(ConsoleClaims claims) {
      return new VerifiedClaims(claims.vmUuid(), claims.sessionId(), claims.subject());
    }
  }

  public Refusal {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(clientAddress, "clientAddress");
  }

  /** A refusal without token claims. */
  public Refusal(PortholeStatus status, String reason, String clientAddress) {
    this(status, reason, clientAddress, null);
  }

  /** A refusal without token claims. */
  public static Refusal of(PortholeStatus status, String reason, String clientAddress) {
    return new Refusal(status, reason, clientAddress);
  }

  /** This refusal naming the user, VM and session of the verified {@code verified}. */
  public Refusal withClaims(ConsoleClaims verified) {
    return new Refusal(status, reason, clientAddress, VerifiedClaims.of(verified));
  }

  /** True when the refused token verified and {@link #claims()} are trustworthy. */
  public boolean claimsVerified() {
    return claims != null;
  }
}
