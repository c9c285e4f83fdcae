package org.porthole.engine.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.AuditEvent;
import org.porthole.engine.it.AuditTopic;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.LearnedHost;
import org.porthole.engine.it.StackResource;

/**
 * The audit outbox with the broker stopped: audited changes still succeed, their rows stay
 * unpublished while Kafka is down, and all of them are published, in id order, once it is back.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuditOutboxIT {

  private static final int CHANGES = 6;
  private static final Duration WHILE_DOWN = Duration.ofSeconds(3);

  @Inject DataSource dataSource;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @Test
  void brokerDownDelaysPublishingAndLosesNothing() throws Exception {
    UUID vm;
    try (LearnedHost host = LearnedHost.start(pkiDir, "outbox-", 1)) {
      vm = host.nextVm();
    }
    await("earlier audit events published")
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> unpublished(null).isEmpty());

    StackResource.stopKafka();
    List<Long> written;
    try {
      for (int i = 0; i < CHANGES; i++) {
        given().put("/api/v1/vms/" + vm + "/tags/outbox-" + i).then().statusCode(200);
      }
      written = unpublished(vm);
      assertThat(written).hasSize(CHANGES);
      await("rows stay unpublished while the broker is down")
          .during(WHILE_DOWN)
          .atMost(WHILE_DOWN.plusSeconds(5))
          .until(() -> unpublished(vm).equals(written));
    } finally {
      StackResource.startKafka();
    }

    await("rows published after the broker is back")
        .atMost(Duration.ofSeconds(60))
        .until(() -> unpublished(vm).isEmpty());
    try (AuditTopic topic = new AuditTopic()) {
      await("the events on the topic")
          .atMost(EngineApi.EVENT_WAIT)
          .until(
              () ->
                  topic
                          .poll(
                              e ->
                                  e.getVmUuid().equals(vm.toString())
                                      && e.getKind().equals(AuditKind.TAG_ADDED))
                          .size()
                      >= CHANGES);
      List<Long> ids =
          topic
              .poll(
                  e ->
                      e.getVmUuid().equals(vm.toString())
                          && e.getKind().equals(AuditKind.TAG_ADDED))
              .stream()
              .map(AuditEvent::getId)
              .distinct()
              .toList();
      assertThat(ids).containsExactlyElementsOf(written);
    }
  }

  /** Ids of unpublished audit rows (of the VM, or all when null), in id order. */
  private List<Long> unpublished(UUID vm) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM audit_events WHERE NOT published AND (?::uuid IS NULL OR vm_uuid = ?::uuid) ORDER BY id")) {
      s.setObject(1, vm);
      s.setObject(2, vm);
      List<Long> ids = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      return ids;
    }
  }
}
