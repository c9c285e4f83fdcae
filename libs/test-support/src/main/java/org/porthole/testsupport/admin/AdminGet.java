package org.porthole.testsupport.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A GET (or another method) on a service's admin port, as a probe or a scraper sends it: plain
 * HTTP, short timeouts, the answer's status and body; metrics in Prometheus' text format.
 */
public final class AdminGet {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

  private AdminGet() {}

  /** An admin answer: status and body. */
  public record Answer(int status, String body) {}

  /** GETs {@code url}. */
  public static Answer get(String url) throws IOException {
    return send("GET", url);
  }

  /** Sends {@code method} (GET, HEAD, POST...) without a body to {@code url}. */
  public static Answer send(String method, String url) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private static Answer send(HttpRequest request) throws IOException {
    String url = request.uri().toString();
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + url, e);
    }
  }

  /** The metrics at {@code url} (a service's {@code /metrics}), parsed; fails unless 200. */
  public static MetricsScrape metrics(String url) throws IOException {
    // As Prometheus asks for the text format: the engine (Quarkus) answers OpenMetrics otherwise.
    Answer answer =
        send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Accept", PROMETHEUS_TEXT)
                .GET()
                .build());
    if (answer.status() != 200) {
      throw new IOException(url + " answered " + answer.status());
    }
    return MetricsScrape.parse(answer.body());
  }
}
