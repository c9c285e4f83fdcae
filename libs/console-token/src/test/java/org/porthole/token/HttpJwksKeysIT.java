package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.token.TestClaims.NOW;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.clock.MutableClock;

/**
 * {@link HttpJwksKeys} against a real HTTP server on loopback: success, size cap, slow and failing
 * servers.
 */
class HttpJwksKeysIT {

  private final Ed25519Key key = Ed25519Key.generate("k1");
  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.GOOD);
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private URI url;

  private enum Mode {
    GOOD,
    HUGE,
    SLOW,
    NOT_FOUND
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/jwks",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = Jwks.toJson(Map.of("k1", key.publicKey())).getBytes(StandardCharsets.UTF_8);
          try (exchange;
              OutputStream out = exchange.getResponseBody()) {
            switch (mode.get()) {
              case NOT_FOUND:
                exchange.sendResponseHeaders(404, -1);
                return;
              case SLOW:
                sleep(Duration.ofSeconds(5));
                break;
              case HUGE:
                body =
                    ("{\"keys\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                break;
              default:
                break;
            }
            exchange.sendResponseHeaders(200, 0);
            out.write(body);
          } catch (IOException e) {
            // the client gave up (timeout or size cap); nothing to do
          }
        });
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/jwks");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void fetchesKeysOverHttp() {
    HttpJwksKeys keys = new HttpJwksKeys(url, clock);
    assertTrue(keys.find("k1").isPresent());
    assertEquals(1, requests.get());
  }

  @Test
  void refusesResponseOver64KiB() {
    mode.set(Mode.HUGE);
    HttpJwksKeys keys = new HttpJwksKeys(url, clock);
    assertTrue(keys.find("k1").isEmpty());
    mode.set(Mode.GOOD);
    clock.advance(Duration.ofSeconds(10));
    assertTrue(keys.find("k1").isPresent(), "recovers on the next allowed refresh");
  }

  @Test
  void givesUpOnSlowServerAfter3Seconds() {
    HttpJwksKeys keys = new HttpJwksKeys(url, clock);
    assertTrue(keys.find("k1").isPresent());
    mode.set(Mode.SLOW);
    clock.advance(Duration.ofSeconds(10));
    long start = System.nanoTime();
    assertFalse(keys.refresh());
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(millis >= 2500 && millis < 4500, "took " + millis + " ms");
    assertTrue(keys.find("k1").isPresent(), "keeps the last good key set");
  }

  @Test
  void keepsKeysWhenServerAnswers404() {
    HttpJwksKeys keys = new HttpJwksKeys(url, clock);
    assertTrue(keys.find("k1").isPresent());
    mode.set(Mode.NOT_FOUND);
    clock.advance(Duration.ofSeconds(10));
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isPresent());
  }

  @Test
  void unreachableServerYieldsNoKeysAndNoException() {
    server.stop(0);
    HttpJwksKeys keys = new HttpJwksKeys(url, clock);
    assertTrue(keys.find("k1").isEmpty());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
