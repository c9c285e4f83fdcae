package org.porthole.guest.protocol;

/**
 * A line that cannot be accepted as a message. Carries what the error reply needs: the code, a
 * short text that never quotes the offending input, and the request id when one could be read (so
 * the peer can match the error to its request), else {@code null}.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String requestId;

  /** A failure with no request id. */
  public ProtocolException(ErrorCode code, String text) {
    this(code, text, null);
  }

  /** A failure that belongs to request {@code requestId} (may be {@code null}). */
  public ProtocolException(ErrorCode code, String text, String requestId) {
    super(text);
    this.code = code;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  /** The id of the request this failure belongs to, or {@code null}. */
  public String requestId() {
    return requestId;
  }

  /** The error reply to send for this failure. */
  public Message.ErrorReply toReply() {
    return new Message.ErrorReply(requestId, code.wire(), getMessage());
  }
}
