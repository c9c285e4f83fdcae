package org.porthole.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.porthole.engine.web.JsonBodies;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Fuzz target for the body of {@code PUT /api/v1/vms/{id}/console-policy}, parsed as the engine
 * parses it (strict Jackson, {@link JsonBodies}, {@link GuestResource#toPolicy}) without starting
 * Quarkus: any body is refused with BAD_REQUEST, or is a policy within the contract's ranges that
 * its own wire form reads back to the same policy. Seeds in {@code
 * ConsolePolicyBodyFuzzTestInputs/}.
 */
class ConsolePolicyBodyFuzzTest {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final UUID VM = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");

  @FuzzTest(maxDuration = "30s")
  void anyBodyIsAPolicyInRangeThatRoundTripsOrBadRequest(byte[] bytes)
      throws JsonProcessingException {
    ConsolePolicy policy;
    try {
      ConsolePolicyRequest request =
          JsonBodies.parseOptional(
              STRICT, new String(bytes, StandardCharsets.UTF_8), ConsolePolicyRequest.class);
      if (request == null) {
        return; // the resource answers 400 "body required" itself
      }
      policy = GuestResource.toPolicy(VM, request);
    } catch (PortholeException e) {
      assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
      return;
    }
    assertThat(policy.graceMs()).isBetween(0, ConsolePolicy.MAX_GRACE_MS);
    assertThat(policy.reconnectWindowSeconds())
        .isBetween(0, ConsolePolicy.MAX_RECONNECT_WINDOW_SECONDS);
    String again =
        STRICT.writeValueAsString(
            new ConsolePolicyRequest(
                policy.disconnectAction().wireName(),
                policy.graceMs(),
                policy.reconnectWindowSeconds()));
    assertThat(
            GuestResource.toPolicy(
                VM, JsonBodies.parseOptional(STRICT, again, ConsolePolicyRequest.class)))
        .isEqualTo(policy);
  }
}
