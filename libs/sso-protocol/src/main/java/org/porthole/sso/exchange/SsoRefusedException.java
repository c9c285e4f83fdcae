package org.porthole.sso.exchange;

/**
 * The SSO exchange ended without a sign-in: the peer refused (with its error code), the channel
 * broke, or this side refused the peer (then the code is this side's). Never carries a token.
 */
public final class SsoRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  public SsoRefusedException(String code, String message) {
    super(message);
    this.code = code;
  }

  public SsoRefusedException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The error code of docs/sso-protocol.md (or {@code closed} when the channel ended). */
  public String code() {
    return code;
  }
}
