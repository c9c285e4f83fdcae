package org.porthole.hostagent.relay;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.ReplayGuard;
import org.porthole.token.TokenRejectedException;
import org.porthole.token.TokenVerifier;

/**
 * Decides whether a console token opens a console on this host: the signature and claims (by {@link
 * TokenVerifier}), the host and channel it names, and that its {@code jti} is redeemed here exactly
 * once.
 *
 * <p>The replay guard lives in memory, so a restart would forget redeemed ids; tokens issued before
 * this process started are therefore refused too.
 */
public final class ConsoleAuthorizer {
  private final TokenVerifier verifier;
  private final ReplayGuard replayGuard;
  private final String hostId;
  private final Instant notIssuedBefore;
  private final ConsoleMeters meters;

  public ConsoleAuthorizer(
      TokenVerifier verifier, ReplayGuard replayGuard, String hostId, Instant processStart) {
    this(verifier, replayGuard, hostId, processStart, ConsoleMeters.unexported());
  }

  /** An authorizer that counts each verification's result into {@code meters}. */
  public ConsoleAuthorizer(
      TokenVerifier verifier,
      ReplayGuard replayGuard,
      String hostId,
      Instant processStart,
      ConsoleMeters meters) {
    this.verifier = verifier;
    this.replayGuard = replayGuard;
    this.hostId = hostId;
    this.notIssuedBefore = processStart.truncatedTo(ChronoUnit.SECONDS);
    this.meters = meters;
  }

  /**
   * The token's claims when it may open the {@code channel} ({@link ConsoleClaims#CHANNEL_VNC} or
   * {@link ConsoleClaims#CHANNEL_SSO}) of a console now; redeems its jti. Each RPC names its own
   * channel, so a token of the other channel is refused here too, whatever the proxy checked.
   */
  public ConsoleClaims authorize(String token, String channel) throws AgentException {
    try {
      ConsoleClaims claims = check(token, channel);
      meters.tokenAccepted();
      return claims;
    } catch (AgentException e) {
      meters.tokenRefused(e.status());
      throw e;
    }
  }

  private ConsoleClaims check(String token, String channel) throws AgentException {
    ConsoleClaims claims;
    try {
      claims = verifier.verify(token);
    } catch (TokenRejectedException e) {
      throw new AgentException(
          PortholeStatus.TOKEN_REJECTED, "console token rejected: " + e.reason());
    }
    if (!hostId.equals(claims.hostId())) {
      throw new AgentException(PortholeStatus.FORBIDDEN, "console token is for another host");
    }
    if (!channel.equals(claims.channel())) {
      throw new AgentException(
          PortholeStatus.FORBIDDEN, "console token is not for the " + channel + " channel");
    }
    if (claims.issuedAt().isBefore(notIssuedBefore)) {
      throw new AgentException(
          PortholeStatus.TOKEN_REJECTED, "console token was issued before this host agent started");
    }
    if (!replayGuard.redeem(claims.tokenId(), claims.expiresAt())) {
      throw new AgentException(PortholeStatus.TOKEN_REJECTED, "console token was already used");
    }
    return claims;
  }
}
