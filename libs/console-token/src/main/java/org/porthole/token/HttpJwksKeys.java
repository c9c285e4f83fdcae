package org.porthole.token;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's JWKS fetched over HTTP ({@code porthole.jwks.url}): https, or http on a loopback
 * address only ({@link JwksLocation}); https trusts what a {@link JwksTrust} says (the JVM's
 * default trust store, or only the CA certificates of {@code porthole.jwks.ca-file}), with host
 * name verification on. Loaded lazily on the first {@link #find}; {@link #refresh()} fetches at
 * most once per 10 s, whatever the callers do, and a failed fetch keeps the last good key set, so a
 * short engine outage does not refuse tokens signed with known keys. Each fetch has a 3 s deadline
 * and a 64 KiB response cap.
 *
 * <p>Threading: {@link #find} is lock-free once keys are loaded; fetches are serialized by the
 * instance lock.
 */
public final class HttpJwksKeys implements VerificationKeys {

  /** Minimum time between two fetches. */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);

  /** Connect and whole-exchange deadline of one fetch. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** Largest response accepted. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(HttpJwksKeys.class.getName());

  /** Fetches the JWKS document; replaceable in tests. */
  interface Fetcher {
    String fetch() throws IOException, InterruptedException;
  }

  private final Clock clock;
  private final Fetcher fetcher;
  private final String source;
  private volatile Map<String, PublicKey> keys;
  private volatile String lastFailure;
  private Instant lastAttempt;

  /**
   * Keys from {@code jwksUrl}, trusting the JVM's default trust store, with {@code clock} driving
   * the refresh rate limit.
   *
   * @throws IllegalArgumentException when {@code jwksUrl} is not https, or http off loopback
   */
  public HttpJwksKeys(URI jwksUrl, Clock clock) {
    this(jwksUrl, clock, JwksTrust.systemDefault());
  }

  /**
   * Keys from {@code jwksUrl}, an https server being trusted only as {@code trust} says.
   *
   * @throws IllegalArgumentException when {@code jwksUrl} is not https, or http off loopback
   */
  public HttpJwksKeys(URI jwksUrl, Clock clock, JwksTrust trust) {
    this(clock, httpFetcher(jwksUrl, trust), jwksUrl.toString());
  }

  HttpJwksKeys(Clock clock, Fetcher fetcher, String source) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.source = source;
  }

  @Override
  public Optional<PublicKey> find(String kid) {
    if (keys == null) {
      refresh();
    }
    Map<String, PublicKey> current = keys;
    if (current == null || kid == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(current.get(kid));
  }

  @Override
  public synchronized boolean refresh() {
    Instant now = clock.instant();
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(MIN_REFRESH_INTERVAL))) {
      return false;
    }
    lastAttempt = now;
    try {
      keys = Jwks.parse(fetcher.fetch());
      lastFailure = null;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastFailure = "interrupted";
      LOG.log(Level.WARNING, "JWKS fetch from {0} interrupted; keeping the last key set", source);
    } catch (IOException | TokenRejectedException | RuntimeException e) {
      lastFailure = String.valueOf(e.getMessage());
      LOG.log(
          Level.WARNING,
          "JWKS fetch from {0} failed ({1}); keeping the last key set",
          source,
          lastFailure);
    }
    return false;
  }

  /**
   * Why the last fetch failed (for example that the server's certificate is not issued by a trusted
   * CA), or empty when it succeeded or none was tried. Never holds key material.
   */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  private static Fetcher httpFetcher(URI jwksUrl, JwksTrust trust) {
    JwksLocation.require(jwksUrl);
    Objects.requireNonNull(trust, "trust");
    HttpClient.Builder builder =
        HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    // Host name verification is the client's default and stays on: never disabled here.
    trust.sslContext().ifPresent(builder::sslContext);
    HttpClient client = builder.build();
    HttpRequest request =
        HttpRequest.newBuilder(jwksUrl)
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    return () -> fetch(client, request, trust);
  }

  private static String fetch(HttpClient client, HttpRequest request, JwksTrust trust)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request, info -> new CappedBody(MAX_RESPONSE_BYTES));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new IOException("no complete answer within " + TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException(FetchFailure.describe(cause, trust), cause);
    }
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode());
    }
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
