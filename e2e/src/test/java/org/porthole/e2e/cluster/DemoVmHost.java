package org.porthole.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.porthole.stack.host.Sleep;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/** Which host agent the engines hold the stack's demo VM on ({@code GET /vms} as admin). */
final class DemoVmHost {
  private final LocalStack stack;
  private final EngineClient admin;

  DemoVmHost(LocalStack stack) {
    this.stack = stack;
    this.admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  }

  /** Waits until the demo VM is held on {@code hostId} and that host is (or is not) online. */
  void awaitOwner(String hostId, boolean online, Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "not listed";
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode vm : admin.json("/vms")) {
        if (vm.path("id").asText().equalsIgnoreCase(stack.demoVmUuid())) {
          last = vm.path("hostId").asText() + " online=" + vm.path("hostOnline").asBoolean();
          if (vm.path("hostId").asText().equals(hostId)
              && vm.path("hostOnline").asBoolean() == online) {
            return;
          }
        }
      }
      Sleep.millis(1000);
    }
    throw new AssertionError(
        "the demo VM is not on "
            + hostId
            + " online="
            + online
            + " after "
            + timeout
            + " but on "
            + last);
  }
}
