package org.porthole.guest.protocol;

/**
 * The error codes of protocol v1 (docs/guest-protocol.md, "Error codes"). A peer may receive codes
 * it does not know from a newer peer, so {@link Message.ErrorReply} carries the code as a string;
 * this enum is what this side sends.
 */
public enum ErrorCode {
  /**
   * The line is not one strict JSON value (truncated, trailing garbage, too deep, duplicate keys).
   */
  BAD_JSON("bad-json"),
  /** Valid JSON but not a valid message: not an object, or a field missing or of the wrong type. */
  BAD_MESSAGE("bad-message"),
  /** The line was longer than {@link LineFramer#MAX_LINE_BYTES}; it was dropped. */
  LINE_TOO_LONG("line-too-long"),
  /** The {@code type} field names no message type of the negotiated version. */
  UNKNOWN_TYPE("unknown-type"),
  /** The request names a command this agent does not have. */
  UNKNOWN_COMMAND("unknown-command"),
  /** The request's arguments are missing, of the wrong type or out of range. */
  BAD_ARGS("bad-args"),
  /** A request arrived before the peer's {@code hello}. */
  NO_HELLO("no-hello"),
  /** The peers' version ranges do not overlap; the sender closes the channel after this. */
  NO_COMMON_VERSION("no-common-version"),
  /** What the command asks for does not exist here (no SPN configured or in the keytab). */
  NOT_FOUND("not-found"),
  /** The command was valid but carrying it out failed (a tool exited non-zero, timed out). */
  FAILED("failed");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears on the wire. */
  public String wire() {
    return wire;
  }
}
