package org.porthole.engine.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.porthole.engine.auth.DirectoryUser;
import org.porthole.engine.auth.UserDirectory;

class KeycloakUserDirectoryTest {

  private static JsonNode user(String principals) throws Exception {
    return new ObjectMapper()
        .readTree(
            "{\"username\":\"alice\",\"attributes\":{\"KERBEROS_PRINCIPAL\":" + principals + "}}");
  }

  @Test
  void mapsOnlyAnExactlyEqualPrincipal() throws Exception {
    assertThat(
            KeycloakUserDirectory.hasPrincipal(
                user("[\"alice@PORTHOLE.TEST\"]"), "alice@PORTHOLE.TEST"))
        .isTrue();
  }

  @Test
  void rejectsPrincipalsThatOnlyLookAlike() throws Exception {
    JsonNode alice = user("[\"alice@PORTHOLE.TEST\"]");
    for (String other :
        new String[] {
          "ALICE@PORTHOLE.TEST",
          "alice@porthole.test",
          "alice",
          "alice@PORTHOLE.TEST ",
          "alice@PORTHOLE.TESTX",
          "alice/admin@PORTHOLE.TEST",
          ""
        }) {
      assertThat(KeycloakUserDirectory.hasPrincipal(alice, other)).as("'%s'", other).isFalse();
    }
    assertThat(
            KeycloakUserDirectory.hasPrincipal(
                new ObjectMapper().readTree("{\"username\":\"alice\"}"), "alice@PORTHOLE.TEST"))
        .as("no attribute")
        .isFalse();
  }

  @Test
  void mapsAPrincipalOnlyWhenExactlyOneUserCarriesIt() throws Exception {
    JsonNode alice = user("[\"alice@PORTHOLE.TEST\"]");
    JsonNode lookalike = user("[\"ALICE@PORTHOLE.TEST\"]");
    assertThat(KeycloakUserDirectory.onlyHolder(List.of(lookalike, alice), "alice@PORTHOLE.TEST"))
        .contains(alice);
    assertThat(KeycloakUserDirectory.onlyHolder(List.of(lookalike), "alice@PORTHOLE.TEST"))
        .isEmpty();
    assertThatThrownBy(
            () ->
                KeycloakUserDirectory.onlyHolder(
                    List.of(alice, user("[\"alice@PORTHOLE.TEST\"]")), "alice@PORTHOLE.TEST"))
        .isInstanceOf(UserDirectory.DirectoryUnavailableException.class)
        .hasMessageContaining("more than one");
  }

  @Test
  void readsTheUsersOneKerberosPrincipal() throws Exception {
    assertThat(KeycloakUserDirectory.principalOf(user("[\"alice@PORTHOLE.TEST\"]")))
        .contains("alice@PORTHOLE.TEST");
    assertThat(
            KeycloakUserDirectory.principalOf(
                user("[\"alice@PORTHOLE.TEST\", \"alice@PORTHOLE.TEST\"]")))
        .contains("alice@PORTHOLE.TEST");
    assertThat(
            KeycloakUserDirectory.principalOf(new ObjectMapper().readTree("{\"username\":\"a\"}")))
        .as("no attribute")
        .isEmpty();
    assertThat(KeycloakUserDirectory.principalOf(user("[\" \"]"))).as("blank").isEmpty();
    assertThat(
            KeycloakUserDirectory.principalOf(
                user("[\"alice@PORTHOLE.TEST\", \"root@PORTHOLE.TEST\"]")))
        .as("two differing principals: SSO would have to guess")
        .isEmpty();
  }

  @Test
  void cachesAnswersForTheirLifetimeOnly() {
    MutableClock clock = new MutableClock();
    LookupCache cache = new LookupCache(clock, Duration.ofSeconds(1));
    AtomicInteger asked = new AtomicInteger();
    DirectoryUser alice = new DirectoryUser("alice", true, Set.of("console-users"), false);

    assertThat(cache.get("user:alice", () -> count(asked, alice))).contains(alice);
    clock.advance(Duration.ofMillis(900));
    assertThat(cache.get("user:alice", () -> count(asked, alice))).contains(alice);
    assertThat(asked).hasValue(1);
    clock.advance(Duration.ofMillis(200));
    cache.get("user:alice", () -> count(asked, alice));
    assertThat(asked).as("asked again after a second").hasValue(2);
  }

  @Test
  void doesNotCacheFailures() {
    LookupCache cache = new LookupCache(new MutableClock(), Duration.ofSeconds(1));
    AtomicInteger asked = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      try {
        cache.get(
            "user:alice",
            () -> {
              asked.incrementAndGet();
              throw new IllegalStateException("directory down");
            });
      } catch (IllegalStateException expected) {
        // the next request asks again
      }
    }
    assertThat(asked).hasValue(2);
  }

  private static Optional<DirectoryUser> count(AtomicInteger asked, DirectoryUser user) {
    asked.incrementAndGet();
    return Optional.of(user);
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-22T12:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
