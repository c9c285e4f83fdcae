package org.porthole.sso.protocol;

import java.util.Optional;

/** The error codes of docs/sso-protocol.md, each with its wire name. */
public enum SsoErrorCode {
  BAD_JSON("bad-json"),
  BAD_MESSAGE("bad-message"),
  UNKNOWN_TYPE("unknown-type"),
  LINE_TOO_LONG("line-too-long"),
  NO_COMMON_VERSION("no-common-version"),
  UNEXPECTED("unexpected"),
  UNSUPPORTED("unsupported"),
  AUTH_FAILED("auth-failed"),
  REPLAY("replay"),
  CHANNEL_BINDING("channel-binding"),
  NOT_MAPPED("not-mapped"),
  WRONG_USER("wrong-user"),
  STORE_FAILED("store-failed"),
  UNLOCK_FAILED("unlock-failed"),
  TIMEOUT("timeout"),
  BUSY("busy");

  private final String wire;

  SsoErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears in an {@code error} message. */
  public String wire() {
    return wire;
  }

  /** The code with wire name {@code name}, if v1 defines one. */
  public static Optional<SsoErrorCode> fromWire(String name) {
    for (SsoErrorCode code : values()) {
      if (code.wire.equals(name)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }
}
