package org.porthole.sso.protocol;

/**
 * A line that is not a valid v1 message, with the code to answer it with. The message names the
 * field at fault and never repeats a token's bytes.
 */
public final class SsoProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient SsoErrorCode code;

  public SsoProtocolException(SsoErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public SsoErrorCode code() {
    return code;
  }

  /** The {@code error} message that answers this one. */
  public SsoMessage.Error toReply() {
    return new SsoMessage.Error(code.wire(), getMessage());
  }
}
