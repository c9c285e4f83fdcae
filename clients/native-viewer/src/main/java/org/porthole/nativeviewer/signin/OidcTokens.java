package org.porthole.nativeviewer.signin;

import java.time.Instant;

/**
 * Tokens from the realm's {@code porthole-cli} client, as kept in the user's token file. Never
 * printed: {@link #toString()} names only the expiries.
 *
 * @param realmUrl the issuer they came from (refreshes go back there)
 * @param accessToken the bearer token for the engine
 * @param accessExpiresAt when it stops working
 * @param refreshToken the token that gets new access tokens (may be null)
 * @param refreshExpiresAt when the refresh token stops working (EPOCH: unknown)
 */
public record OidcTokens(
    String realmUrl,
    String accessToken,
    Instant accessExpiresAt,
    String refreshToken,
    Instant refreshExpiresAt) {

  /** True when the access token still has {@code marginSeconds} to live at {@code now}. */
  public boolean accessUsable(Instant now, long marginSeconds) {
    return accessExpiresAt.isAfter(now.plusSeconds(marginSeconds));
  }

  /** True when a refresh may still work at {@code now}. */
  public boolean refreshUsable(Instant now) {
    return refreshToken != null
        && (refreshExpiresAt.equals(Instant.EPOCH) || refreshExpiresAt.isAfter(now));
  }

  @Override
  public String toString() {
    return "OidcTokens[realm="
        + realmUrl
        + ", access until "
        + accessExpiresAt
        + ", refresh until "
        + refreshExpiresAt
        + "]";
  }
}
