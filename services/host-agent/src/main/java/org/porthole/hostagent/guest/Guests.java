package org.porthole.hostagent.guest;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/** The guest agents of this host's VMs, as the gRPC service and the disconnect actions use them. */
public interface Guests {
  /** No guest channels at all (the relay benchmark's hypervisor double, tests). */
  Guests NONE =
      new Guests() {
        @Override
        public GuestSnapshot state(String vmUuid) {
          return GuestSnapshot.none(vmUuid);
        }

        @Override
        public CompletableFuture<GuestReply> command(String vmUuid, GuestCommand command) {
          return CompletableFuture.failedFuture(
              new AgentException(PortholeStatus.CONFLICT, "this agent follows no guest channels"));
        }
      };

  /** The VM's guest as known now; {@link GuestSnapshot#none} when its channel is not followed. */
  GuestSnapshot state(String vmUuid);

  /**
   * Sends {@code command} at most once. The future fails with an {@link AgentException}: CONFLICT
   * (no control channel followed), UPSTREAM_UNAVAILABLE (not connected, no reply in time, restarted
   * before replying), or the status of the guest's error reply.
   */
  CompletableFuture<GuestReply> command(String vmUuid, GuestCommand command);

  /**
   * {@code listener} hears every guest's {@code sso} event (on the guest loop; must not block).
   * None by default: without guest channels there are none.
   */
  default void addSsoListener(Consumer<SsoReport> listener) {}

  /** Guest agents that answered within their heartbeat window, now. */
  default int responsiveCount() {
    return 0;
  }
}
