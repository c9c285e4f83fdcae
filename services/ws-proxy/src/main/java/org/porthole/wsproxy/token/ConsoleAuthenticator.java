package org.porthole.wsproxy.token;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.TokenRejectedException;
import org.porthole.token.TokenVerifier;

/**
 * Decides whether a console token may open the path it was presented on: a valid signature from the
 * engine's JWKS, every claim present and in time (see {@link TokenVerifier}), and the channel of
 * that path ({@link ChannelPath}: {@code vnc} on {@code /v1/console}, {@code sso} on {@code
 * /v1/sso}). A token of the other channel is refused {@code FORBIDDEN} with its verified claims, so
 * the audit can name the user, VM and session that tried.
 *
 * <p>Threading: tokens are verified on {@code verifyExecutor}: the event loop itself by default
 * (BouncyCastle's Ed25519 costs ~60–80 µs, measured, see README), or a pool when configured.
 * Nothing on that path blocks: key lookups there never touch the network. A token whose {@code kid}
 * is not among the keys already fetched is verified again on {@code fetchExecutor}, where the JWKS
 * may be refetched over the network. The outcome is always delivered on the caller's {@code loop}.
 * Token text never appears in a log line or reason.
 */
public final class ConsoleAuthenticator {

  private static final System.Logger LOG = System.getLogger(ConsoleAuthenticator.class.getName());

  /** Receives the outcome of one authentication, exactly once, on the caller's loop. */
  public interface Outcome {
    /** The token is valid for the path it was presented on. */
    void accepted(ConsoleClaims claims);

    /**
     * The token is refused; {@code reason} is safe to show to the client.
     *
     * @param verified the token's claims when its signature and times held and it was refused for
     *     another reason (a wrong channel); {@code null} when it did not verify
     */
    void rejected(PortholeStatus status, String reason, ConsoleClaims verified);
  }

  private final TokenVerifier known;
  private final TokenVerifier fetching;
  private final Executor verifyExecutor;
  private final Executor fetchExecutor;

  /**
   * @param known a verifier whose key lookups never block
   * @param fetching a verifier that may fetch keys, used only on {@code fetchExecutor}
   * @param verifyExecutor where tokens are verified
   * @param fetchExecutor where tokens with an unknown key are verified after a key fetch
   */
  public ConsoleAuthenticator(
      TokenVerifier known,
      TokenVerifier fetching,
      Executor verifyExecutor,
      Executor fetchExecutor) {
    this.known = Objects.requireNonNull(known, "known");
    this.fetching = Objects.requireNonNull(fetching, "fetching");
    this.verifyExecutor = Objects.requireNonNull(verifyExecutor, "verifyExecutor");
    this.fetchExecutor = Objects.requireNonNull(fetchExecutor, "fetchExecutor");
  }

  /** An authenticator over the two views of {@code keys}. */
  public static ConsoleAuthenticator over(
      PrefetchedKeys keys,
      String issuer,
      String audience,
      Clock clock,
      Executor verifyExecutor,
      Executor fetchExecutor) {
    return new ConsoleAuthenticator(
        new TokenVerifier(keys.nonBlocking(), issuer, audience, clock),
        new TokenVerifier(keys.blocking(), issuer, audience, clock),
        verifyExecutor,
        fetchExecutor);
  }

  /**
   * Verifies {@code token} presented on {@code path}; {@code outcome} runs later on {@code loop}.
   */
  public void authenticate(String token, ChannelPath path, Executor loop, Outcome outcome) {
    Objects.requireNonNull(path, "path");
    submit(verifyExecutor, () -> verify(token, path, loop, outcome), loop, outcome);
  }

  private void verify(String token, ChannelPath path, Executor loop, Outcome outcome) {
    try {
      ConsoleClaims claims = known.verify(token);
      deliver(loop, () -> accept(claims, path, outcome));
    } catch (TokenRejectedException e) {
      if (e.reason() == TokenRejectedException.Reason.UNKNOWN_KEY) {
        submit(fetchExecutor, () -> verifyWithFetch(token, path, loop, outcome), loop, outcome);
      } else {
        deliver(loop, () -> reject(e, outcome));
      }
    } catch (RuntimeException e) {
      failed(e, loop, outcome);
    }
  }

  private void verifyWithFetch(String token, ChannelPath path, Executor loop, Outcome outcome) {
    try {
      ConsoleClaims claims = fetching.verify(token);
      deliver(loop, () -> accept(claims, path, outcome));
    } catch (TokenRejectedException e) {
      deliver(loop, () -> reject(e, outcome));
    } catch (RuntimeException e) {
      failed(e, loop, outcome);
    }
  }

  private static void submit(Executor executor, Runnable task, Executor loop, Outcome outcome) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException busy) {
      deliver(
          loop,
          () ->
              outcome.rejected(
                  PortholeStatus.UPSTREAM_UNAVAILABLE, "token verification is busy; retry", null));
    }
  }

  private static void failed(RuntimeException e, Executor loop, Outcome outcome) {
    LOG.log(Level.WARNING, "token verification failed unexpectedly: {0}", e.getClass().getName());
    deliver(
        loop, () -> outcome.rejected(PortholeStatus.INTERNAL, "token verification failed", null));
  }

  private static void deliver(Executor loop, Runnable delivery) {
    try {
      loop.execute(delivery);
    } catch (RejectedExecutionException shuttingDown) {
      LOG.log(Level.DEBUG, "event loop gone before a token outcome could be delivered");
    }
  }

  private static void accept(ConsoleClaims claims, ChannelPath path, Outcome outcome) {
    if (!path.admits(claims)) {
      outcome.rejected(PortholeStatus.FORBIDDEN, wrongChannel(claims), claims);
      return;
    }
    outcome.accepted(claims);
  }

  /** Names the channel the token does open; the verifier lets only known channels through. */
  private static String wrongChannel(ConsoleClaims claims) {
    return ChannelPath.ofTokenChannel(claims.channel())
        .map(
            own ->
                "this token opens only the " + own.tokenChannel() + " channel (" + own.path() + ")")
        .orElse("this token opens no channel this proxy serves");
  }

  private static void reject(TokenRejectedException e, Outcome outcome) {
    LOG.log(Level.DEBUG, "console token refused: {0}", e.getMessage());
    outcome.rejected(PortholeStatus.TOKEN_REJECTED, "token rejected: " + e.reason(), null);
  }
}
