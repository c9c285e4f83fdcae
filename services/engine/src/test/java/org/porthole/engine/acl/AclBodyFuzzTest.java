package org.porthole.engine.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.porthole.engine.web.JsonBodies;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Fuzz target for the body of {@code POST /api/v1/acls}, parsed as the engine parses it (its strict
 * Jackson settings, {@link JsonBodies}, {@link AclRequests}) without starting Quarkus: any body is
 * refused with BAD_REQUEST, or is an entry of valid names that the engine's own wire form reads
 * back to the same entry. Seeds in {@code AclBodyFuzzTestInputs/}.
 */
class AclBodyFuzzTest {

  /** The engine's mapper settings (application.properties: fail-on-unknown-properties). */
  static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @FuzzTest(maxDuration = "30s")
  void anyBodyIsAValidEntryThatRoundTripsOrBadRequest(byte[] bytes) throws JsonProcessingException {
    AclEntry entry;
    try {
      entry =
          AclRequests.toEntry(
              JsonBodies.parseOptional(
                  STRICT, new String(bytes, StandardCharsets.UTF_8), AclRequest.class),
              "admin",
              AT);
    } catch (PortholeException e) {
      assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
      return;
    }
    assertThat(Names.isValid(entry.subject())).isTrue();
    if (entry.subjectKind() == AclEntry.SubjectKind.USER) {
      assertThat(entry.subject()).isEqualTo(entry.subject().toLowerCase(Locale.ROOT));
    }
    if (entry.objectKind() == AclEntry.ObjectKind.VM) {
      assertThat(UUID.fromString(entry.object()).toString()).isEqualTo(entry.object());
    } else {
      assertThat(Names.isValid(entry.object())).isTrue();
    }
    String again =
        STRICT.writeValueAsString(
            new AclRequest(
                entry.subjectKind().wireName(),
                entry.subject(),
                entry.objectKind().wireName(),
                entry.object(),
                entry.permission().wireName()));
    assertThat(
            AclRequests.toEntry(
                JsonBodies.parseOptional(STRICT, again, AclRequest.class), "admin", AT))
        .isEqualTo(entry);
  }
}
