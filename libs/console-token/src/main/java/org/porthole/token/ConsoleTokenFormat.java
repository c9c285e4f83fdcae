package org.porthole.token;

import java.time.Duration;

/**
 * Constants of the console token format shared by the signer and the verifier (docs/contracts.md).
 */
final class ConsoleTokenFormat {

  static final String ALG = "EdDSA";
  static final String TYP = "porthole-console+jwt";
  static final Duration MAX_LIFETIME = Duration.ofSeconds(120);
  static final Duration SKEW = Duration.ofSeconds(5);
  static final int MAX_TOKEN_CHARS = 4096;

  /** Latest representable time claim (9999-12-31T23:59:59Z); keeps arithmetic far from overflow. */
  static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

  static final String ISS = "iss";
  static final String AUD = "aud";
  static final String SUB = "sub";
  static final String SID = "sid";
  static final String VM = "vm";
  static final String HOST = "host";
  static final String CH = "ch";
  static final String IAT = "iat";
  static final String NBF = "nbf";
  static final String EXP = "exp";
  static final String JTI = "jti";
  static final String MODE = "mode";
  static final String SPN = "spn";
  static final String NONCE = "nonce";
  static final String DELEG = "deleg";
  static final String KRB = "krb";

  private ConsoleTokenFormat() {}
}
