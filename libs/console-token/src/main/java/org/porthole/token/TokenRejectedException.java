package org.porthole.token;

/**
 * A console token was refused. The message says why in terms safe to log: it never contains the
 * token, its signature or any claim value that could let a reader replay it.
 */
public final class TokenRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a token (or a key set) was refused. */
  public enum Reason {
    MALFORMED,
    OVERSIZED,
    ALGORITHM_NOT_ALLOWED,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    MISSING_CLAIM,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    EXPIRED,
    NOT_YET_VALID,
    LIFETIME_TOO_LONG
  }

  private final Reason reason;

  /**
   * @param reason the category, for metrics and status mapping
   * @param message a human explanation that contains no token material
   */
  public TokenRejectedException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** The category of the refusal. */
  public Reason reason() {
    return reason;
  }
}
