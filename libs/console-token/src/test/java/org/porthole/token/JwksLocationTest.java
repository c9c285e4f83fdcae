package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwksLocationTest {

  @Test
  void refusesKeysOverPlainHttpFromAnotherMachine() {
    for (String url :
        List.of(
            "http://engine.example:8080/api/v1/jwks",
            "http://10.0.0.5/jwks",
            "http://[2001:db8::1]/jwks",
            "http://localhost.evil.example/jwks",
            "http://127.0.0.1.nip.io/jwks",
            "HTTP://engine.example/jwks",
            "http://0.0.0.0/jwks")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new HttpJwksKeys(URI.create(url), Clock.systemUTC()),
              url);
      assertTrue(e.getMessage().contains("https"), e.getMessage());
    }
  }

  @Test
  void refusesNonHttpSchemesAndUrlsWithoutHost() {
    for (String url :
        List.of("file:///etc/passwd", "ftp://engine.example/jwks", "https:///jwks", "jwks")) {
      assertTrue(JwksLocation.problem(URI.create(url)).isPresent(), url);
    }
  }

  @Test
  void acceptsHttpsAnywhereAndHttpOnLoopback() {
    for (String url :
        List.of(
            "https://engine.example/api/v1/jwks",
            "https://10.0.0.5:8443/jwks",
            "http://127.0.0.1:8080/api/v1/jwks",
            "http://127.1.2.3/jwks",
            "http://localhost:8080/api/v1/jwks",
            "http://LOCALHOST/jwks",
            "http://[::1]:8080/jwks")) {
      assertTrue(JwksLocation.problem(URI.create(url)).isEmpty(), url);
      new HttpJwksKeys(URI.create(url), Clock.systemUTC());
    }
  }
}
