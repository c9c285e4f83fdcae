package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

class PathIdsTest {

  @Test
  void parsesCanonicalUuid() {
    assertThat(PathIds.uuid("VM id", "6A1F0C1E-0000-4000-8000-000000000001"))
        .isEqualTo(UUID.fromString("6a1f0c1e-0000-4000-8000-000000000001"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "42",
        "not-a-uuid",
        "6a1f0c1e-0-4000-8000-1",
        "6a1f0c1e-0000-4000-8000-0000000000012",
        "6a1f0c1e-0000-4000-8000-00000000000g",
        "../../etc/passwd"
      })
  void refusesAnythingElseAsBadRequest(String raw) {
    assertThatThrownBy(() -> PathIds.uuid("VM id", raw))
        .isInstanceOfSatisfying(
            PortholeException.class,
            e -> {
              assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
              assertThat(e.getMessage()).isEqualTo("VM id must be a UUID");
            });
  }

  @Test
  void doesNotEchoHostileInput() {
    assertThatThrownBy(() -> PathIds.uuid("VM id", "<script>" + "x".repeat(10_000)))
        .hasMessage("VM id must be a UUID");
  }
}
