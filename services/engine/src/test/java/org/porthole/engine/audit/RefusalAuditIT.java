package org.porthole.engine.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.StackResource;

/**
 * Consoles refused at the ws-proxy or a host agent ({@code porthole.refusals.v1}) land in the audit
 * as {@code console.refused}, and a flood of them from one client costs a few rows while every
 * refusal stays counted (a row plus its {@code suppressed}).
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RefusalAuditIT {

  private static EventSender events;

  @BeforeAll
  static void connect() {
    events = new EventSender();
  }

  @AfterAll
  static void close() {
    events.close();
  }

  @Test
  void tamperedTokenAtTheProxyIsAuditedWithoutTrustingItsClaims() {
    String address = address();
    send(
        ConsoleRefusal.newBuilder()
            .setStatus("TOKEN_REJECTED")
            .setReason("console token rejected: bad signature")
            .setClientAddress(address)
            .setVmUuid(UUID.randomUUID().toString())
            .setSubject("alice")
            .setClaimsVerified(false));

    await().atMost(EngineApi.EVENT_WAIT).until(() -> rows(address).size() == 1);
    Map<String, Object> row = rows(address).get(0);
    assertThat(row)
        .containsEntry("kind", AuditKind.CONSOLE_REFUSED)
        .containsEntry("actor", "anonymous")
        .containsEntry("reason", "console token rejected: bad signature");
    assertThat(row.get("vmUuid")).isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> detail = (Map<String, Object>) row.get("detail");
    assertThat(detail)
        .containsEntry("source", "ws-proxy")
        .containsEntry("status", "TOKEN_REJECTED")
        .containsEntry("claimedSubject", "alice")
        .containsEntry("claimsVerified", false);
  }

  @Test
  void refusalFloodFromOneClientIsFoldedButCounted() {
    String address = address();
    int flood = 100;
    for (int i = 0; i < flood; i++) {
      send(
          ConsoleRefusal.newBuilder()
              .setStatus("ORIGIN_REJECTED")
              .setReason("foreign origin")
              .setClientAddress(address));
    }
    await().atMost(EngineApi.EVENT_WAIT).until(() -> !rows(address).isEmpty());
    // One more refusal a while later carries whatever the limit folded.
    AtomicInteger sent = new AtomicInteger(flood);
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (represented(address) == sent.get()) {
                return true;
              }
              send(
                  ConsoleRefusal.newBuilder()
                      .setStatus("ORIGIN_REJECTED")
                      .setReason("foreign origin")
                      .setClientAddress(address));
              sent.incrementAndGet();
              return false;
            });
    assertThat(rows(address).size()).isLessThan(flood / 2);
  }

  private static void send(ConsoleRefusal.Builder refusal) {
    ConsoleRefusal r =
        refusal
            .setEventId(UUID.randomUUID().toString())
            .setSource("ws-proxy")
            .setSourceId("127.0.0.1:8081")
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .build();
    events.sendRaw(EventTopics.REFUSALS, r.getClientAddress(), r.toByteArray());
  }

  private static String address() {
    return "192.0.2."
        + ThreadLocalRandom.current().nextInt(1, 255)
        + ":"
        + ThreadLocalRandom.current().nextInt(1024, 65535);
  }

  private static List<Map<String, Object>> rows(String address) {
    List<Map<String, Object>> all =
        given()
            .get("/api/v1/audit?user=anonymous&limit=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    return all.stream().filter(r -> address.equals(r.get("clientAddress"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static long represented(String address) {
    return rows(address).stream()
        .mapToLong(
            r ->
                1
                    + ((Number) ((Map<String, Object>) r.get("detail")).get("suppressed"))
                        .longValue())
        .sum();
  }
}
