package org.porthole.sso.gssapi;

/**
 * Kerberos SSO authentication failed or was refused. The reason says which check stopped it, so the
 * exchange can answer with the matching error code; the message says what happened in words and
 * never carries a token, a key or a ticket.
 */
public final class SsoAuthException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which check stopped the exchange. */
  public enum Reason {
    /** The service did not prove that it holds the pinned principal's key. */
    MUTUAL_AUTH_FAILED,
    /** The context was established with another service than the pinned one. */
    WRONG_TARGET,
    /** The peers' channel bindings (session and nonce) differ: a token from another session. */
    CHANNEL_BINDING_MISMATCH,
    /** A token or message seen before (the acceptor's replay cache, or per-message sequence). */
    REPLAY,
    /** A token that is malformed, out of order, or not for this key. */
    BAD_TOKEN,
    /** No TGT on the client, or no key for the service principal on the acceptor. */
    NO_CREDENTIALS,
    /** The peer does not offer or did not choose confidentiality (RFC 4752 "auth-conf"). */
    LAYER_REFUSED,
    /** The client asked to act for another principal than the one it authenticated as. */
    AUTHZID_REFUSED,
    /** A token or message over the agreed size. */
    TOO_LARGE
  }

  private final Reason reason;

  /** A failure for {@code reason}, described by {@code message} (no secrets). */
  public SsoAuthException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A failure for {@code reason} caused by {@code cause} (a JGSS exception, no secrets). */
  public SsoAuthException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Which check stopped the exchange. */
  public Reason reason() {
    return reason;
  }
}
