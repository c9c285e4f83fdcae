package org.porthole.hostagent.bench;

import java.time.Instant;
import org.porthole.hostagent.ticket.GraphicsTickets;

/**
 * VNC passwords in benchmark mode: there is no VNC server to set one on. The benchmark backend
 * accepts any VNC Authentication response, so the relay's own handshake runs as for a real VM while
 * its password turns set and expire nothing.
 */
public final class BenchmarkPasswords {
  /** Sets and expires nothing. */
  public static final GraphicsTickets NONE =
      new GraphicsTickets() {
        @Override
        public Instant set(String vmUuid, String password, int validSeconds) {
          return Instant.now().plusSeconds(validSeconds);
        }

        @Override
        public void expire(String vmUuid, Instant usedAt) {
          // nothing was set
        }
      };

  private BenchmarkPasswords() {}
}
