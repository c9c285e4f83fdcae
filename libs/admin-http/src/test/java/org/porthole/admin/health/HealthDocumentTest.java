package org.porthole.admin.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthDocumentTest {
  @Test
  void noChecksIsUp() {
    HealthDocument doc = HealthDocument.of(List.of());
    assertThat(doc.up()).isTrue();
    assertThat(doc.httpStatus()).isEqualTo(200);
    assertThat(doc.json()).isEqualTo("{\"status\":\"UP\",\"checks\":[]}");
  }

  @Test
  void oneDownMakesTheWholeDown() {
    HealthDocument doc =
        HealthDocument.of(
            List.of(
                HealthCheck.of("a", () -> CheckResult.UP),
                HealthCheck.of("b", () -> CheckResult.down("gone"))));
    assertThat(doc.httpStatus()).isEqualTo(503);
    assertThat(doc.json())
        .isEqualTo(
            "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"a\",\"status\":\"UP\"},"
                + "{\"name\":\"b\",\"status\":\"DOWN\",\"data\":{\"reason\":\"gone\"}}]}");
  }

  @Test
  void aThrowingCheckIsDownWithoutItsMessage() {
    HealthDocument doc =
        HealthDocument.of(
            List.of(
                HealthCheck.of(
                    "db",
                    () -> {
                      throw new IllegalStateException("password=hunter2 refused");
                    })));
    assertThat(doc.up()).isFalse();
    assertThat(doc.json())
        .contains("\"error\":\"IllegalStateException\"")
        .doesNotContain("hunter2");
  }

  @Test
  void escapesDataAsJson() {
    HealthDocument doc =
        HealthDocument.of(
            List.of(
                HealthCheck.of(
                    "q\"x", () -> CheckResult.UP.with("path", "a\\b\n\u0001").with("z", "1"))));
    assertThat(doc.json())
        .contains("\"name\":\"q\\\"x\"")
        .contains("\"data\":{\"path\":\"a\\\\b\\n\\u0001\",\"z\":\"1\"}");
  }
}
