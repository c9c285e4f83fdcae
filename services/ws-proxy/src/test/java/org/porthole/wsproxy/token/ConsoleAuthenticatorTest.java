package org.porthole.wsproxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.VerificationKeys;

class ConsoleAuthenticatorTest {

  /** A JWKS stand-in that records which threads fetched and may be slow. */
  private static final class RecordingKeys implements VerificationKeys {
    final Map<String, PublicKey> published = new ConcurrentHashMap<>();
    final List<String> fetchThreads = new CopyOnWriteArrayList<>();
    final List<String> lookupThreads = new CopyOnWriteArrayList<>();
    volatile Map<String, PublicKey> fetched = Map.of();

    @Override
    public Optional<PublicKey> find(String kid) {
      lookupThreads.add(Thread.currentThread().getName());
      return Optional.ofNullable(fetched.get(kid));
    }

    @Override
    public boolean refresh() {
      fetchThreads.add(Thread.currentThread().getName());
      fetched = Map.copyOf(published);
      return true;
    }
  }

  /** Collects the outcome and the thread it arrived on. */
  private static final class Result implements ConsoleAuthenticator.Outcome {
    final LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    volatile String thread;
    volatile ConsoleClaims claims;
    volatile ConsoleClaims refusedClaims;

    @Override
    public void accepted(ConsoleClaims claims) {
      this.claims = claims;
      thread = Thread.currentThread().getName();
      outcomes.add("accepted");
    }

    @Override
    public void rejected(PortholeStatus status, String reason, ConsoleClaims verified) {
      refusedClaims = verified;
      thread = Thread.currentThread().getName();
      outcomes.add(status + " " + reason);
    }

    String await() throws InterruptedException {
      String outcome = outcomes.poll(5, TimeUnit.SECONDS);
      assertThat(outcome).as("an outcome within 5 s").isNotNull();
      return outcome;
    }
  }

  private final TokenMint tokens = new TokenMint("k1");
  private final RecordingKeys jwks = new RecordingKeys();
  private final PrefetchedKeys keys = new PrefetchedKeys(jwks);
  private final ExecutorService verifyThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "verify"));
  private final ExecutorService fetchThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "fetch"));
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "loop"));
  private final ConsoleAuthenticator authenticator =
      ConsoleAuthenticator.over(
          keys,
          TokenClaims.ISSUER,
          TokenClaims.AUDIENCE,
          Clock.systemUTC(),
          verifyThread,
          fetchThread);

  @AfterEach
  void tearDown() {
    verifyThread.shutdownNow();
    fetchThread.shutdownNow();
    loop.shutdownNow();
  }

  @Test
  void verifiesKnownKeyOffTheEventLoopWithoutFetchingAndDeliversOnTheLoop() throws Exception {
    jwks.published.put("k1", tokens.publicKey());
    assertThat(keys.prefetch()).isTrue();
    jwks.fetchThreads.clear();
    Result result = new Result();

    loop.submit(
            () -> authenticator.authenticate(tokens.sign("h:1"), ChannelPath.CONSOLE, loop, result))
        .get();

    assertThat(result.await()).isEqualTo("accepted");
    assertThat(result.thread).isEqualTo("loop");
    assertThat(result.claims.hostId()).isEqualTo("h:1");
    assertThat(jwks.lookupThreads).containsOnly("verify");
    assertThat(jwks.fetchThreads).isEmpty();
  }

  @Test
  void fetchesKeysForUnknownKidOnTheFetchThread() throws Exception {
    jwks.published.put("k1", tokens.publicKey());
    Result result = new Result();

    loop.submit(
            () -> authenticator.authenticate(tokens.sign("h:1"), ChannelPath.CONSOLE, loop, result))
        .get();

    assertThat(result.await()).isEqualTo("accepted");
    assertThat(result.thread).isEqualTo("loop");
    assertThat(jwks.fetchThreads).containsOnly("fetch").isNotEmpty();
    assertThat(jwks.lookupThreads).doesNotContain("loop");
    assertThat(keys.loaded()).isTrue();
  }

  @Test
  void refusesTokenWhoseKidIsNotPublishedEvenAfterFetching() throws Exception {
    jwks.published.put("other", new TokenMint("other").publicKey());
    Result result = new Result();

    loop.submit(
            () -> authenticator.authenticate(tokens.sign("h:1"), ChannelPath.CONSOLE, loop, result))
        .get();

    assertThat(result.await()).isEqualTo("TOKEN_REJECTED token rejected: UNKNOWN_KEY");
    assertThat(result.thread).isEqualTo("loop");
  }

  private Result authenticate(TokenClaims claims, ChannelPath path) throws Exception {
    jwks.published.put("k1", tokens.publicKey());
    assertThat(keys.prefetch()).isTrue();
    Result result = new Result();
    authenticator.authenticate(tokens.sign(claims), path, loop, result);
    return result;
  }

  private static TokenClaims ssoToken() {
    return TokenClaims.forHost("h:1").withSso(TokenClaims.Sso.demo());
  }

  @Test
  void acceptsAnSsoTokenOnTheSsoPath() throws Exception {
    Result result = authenticate(ssoToken(), ChannelPath.SSO);

    assertThat(result.await()).isEqualTo("accepted");
    assertThat(result.claims.isSso()).isTrue();
  }

  @Test
  void rejectsAnSsoTokenOnTheConsolePath() throws Exception {
    Result result = authenticate(ssoToken(), ChannelPath.CONSOLE);

    assertThat(result.await())
        .isEqualTo("FORBIDDEN this token opens only the sso channel (/v1/sso)");
    assertThat(result.claims).as("never accepted").isNull();
  }

  @Test
  void rejectsAConsoleTokenOnTheSsoPath() throws Exception {
    Result result = authenticate(TokenClaims.forHost("h:1"), ChannelPath.SSO);

    assertThat(result.await())
        .isEqualTo("FORBIDDEN this token opens only the vnc channel (/v1/console)");
    assertThat(result.claims).as("never accepted").isNull();
  }

  @Test
  void aWrongChannelRefusalCarriesTheVerifiedClaims() throws Exception {
    TokenClaims sso = ssoToken().withSubject("bob");

    Result result = authenticate(sso, ChannelPath.CONSOLE);

    assertThat(result.await()).startsWith("FORBIDDEN ");
    assertThat(result.thread).isEqualTo("loop");
    assertThat(result.refusedClaims).isNotNull();
    assertThat(result.refusedClaims.vmUuid()).isEqualTo(sso.vmUuid());
    assertThat(result.refusedClaims.sessionId()).isEqualTo(sso.sessionId());
    assertThat(result.refusedClaims.subject()).isEqualTo("bob");
  }

  @Test
  void aTokenThatDidNotVerifyIsRefusedWithoutClaims() throws Exception {
    Result result =
        authenticate(
            ssoToken().withTimes(Instant.EPOCH, Instant.EPOCH, Instant.EPOCH.plusSeconds(60)),
            ChannelPath.SSO);

    assertThat(result.await()).startsWith("TOKEN_REJECTED token rejected: ");
    assertThat(result.refusedClaims).isNull();
  }

  @Test
  void rejectsMalformedTokensInlineWithoutFetching() throws Exception {
    keys.prefetch();
    jwks.fetchThreads.clear();
    for (String garbage :
        new String[] {"", "x", "a.b", "a.b.c", "....", "é.é.é", "a".repeat(5000)}) {
      Result result = new Result();
      authenticator.authenticate(garbage, ChannelPath.CONSOLE, loop, result);
      assertThat(result.await())
          .as(garbage)
          .startsWith("TOKEN_REJECTED token rejected: ")
          .doesNotContain(garbage.isEmpty() ? "\u0001" : garbage);
    }
    assertThat(jwks.fetchThreads).isEmpty();
  }

  @Test
  void refusesWithUpstreamUnavailableWhenVerificationQueueIsFull() {
    ConsoleAuthenticator saturated =
        ConsoleAuthenticator.over(
            keys,
            TokenClaims.ISSUER,
            TokenClaims.AUDIENCE,
            Clock.systemUTC(),
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("full");
            },
            fetchThread);
    Result result = new Result();

    saturated.authenticate(tokens.sign("h:1"), ChannelPath.CONSOLE, Runnable::run, result);

    assertThat(result.outcomes.poll()).startsWith("UPSTREAM_UNAVAILABLE");
  }
}
