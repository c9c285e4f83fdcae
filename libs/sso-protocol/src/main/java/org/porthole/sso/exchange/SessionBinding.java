package org.porthole.sso.exchange;

import java.nio.charset.StandardCharsets;

/**
 * The GSSAPI channel-binding application data both peers use: {@code porthole-sso:v1:<session
 * id>:<nonce>}, so a first token captured in one console session does not establish a context in
 * another.
 */
public final class SessionBinding {
  private SessionBinding() {}

  /** The binding bytes of console session {@code sessionId} with SSO nonce {@code nonce}. */
  public static byte[] of(String sessionId, String nonce) {
    return ("porthole-sso:v1:" + sessionId + ":" + nonce).getBytes(StandardCharsets.UTF_8);
  }
}
