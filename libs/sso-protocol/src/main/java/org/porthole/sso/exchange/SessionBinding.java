package org.porthole.sso.exchange;

import java.nio.charset.StandardCharsets;

/**
 * The GSSAPI channel-binding application data both peers use: {@code porthole-sso:v1:<session
 * id>:<nonce>:<challenge>}. The session and nonce come from the engine (through the host agent and
 * the viewer's token), the challenge from the guest's signature, fresh for every exchange: a first
 * token captured in one exchange establishes no context in another, even of the same session after
 * the guest agent restarted (its replay cache is in memory).
 */
public final class SessionBinding {
  private SessionBinding() {}

  /** The binding bytes of console {@code sessionId}, SSO {@code nonce}, guest {@code challenge}. */
  public static byte[] of(String sessionId, String nonce, String challenge) {
    return ("porthole-sso:v1:" + sessionId + ":" + nonce + ":" + challenge)
        .getBytes(StandardCharsets.UTF_8);
  }
}
