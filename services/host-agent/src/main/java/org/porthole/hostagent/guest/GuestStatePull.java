package org.porthole.hostagent.guest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * What the host pulls from a guest agent it has not known before (first contact or a restart):
 * {@code refresh} (facts, desktop session) and {@code get-spn} (the Kerberos service principal the
 * SSO channel needs), and how their replies change the {@link GuestSnapshot}. A guest without an
 * SPN, or an older one that does not know {@code get-spn}, leaves the SPN empty, quietly: SSO is
 * optional. Runs on the connection's event loop, like its {@link GuestConnection}.
 */
final class GuestStatePull {
  private static final Logger LOG = Logger.getLogger(GuestStatePull.class.getName());

  private final String vmUuid;
  private final Function<GuestCommand, CompletableFuture<GuestReply>> send;
  private final Consumer<UnaryOperator<GuestSnapshot>> update;

  GuestStatePull(
      String vmUuid,
      Function<GuestCommand, CompletableFuture<GuestReply>> send,
      Consumer<UnaryOperator<GuestSnapshot>> update) {
    this.vmUuid = vmUuid;
    this.send = send;
    this.update = update;
  }

  /** Sends both pulls; their replies reach the snapshot through {@link #applied}. */
  void pull() {
    send.apply(GuestCommand.of(GuestCommand.Kind.REFRESH))
        .exceptionally(
            e -> {
              LOG.log(
                  Level.FINE,
                  "refresh of domain {0} failed: {1}",
                  new Object[] {vmUuid, e.getMessage()});
              return null;
            });
    send.apply(GuestCommand.of(GuestCommand.Kind.GET_SPN))
        .exceptionally(
            e -> {
              // not-found (no SPN), unknown-command (an older agent), no reply: no SPN now
              update.accept(s -> s.withSpn(""));
              Throwable cause = e.getCause() == null ? e : e.getCause();
              if (!(cause instanceof AgentException a) || !quiet(a.status())) {
                LOG.log(
                    Level.FINE,
                    "get-spn of domain {0} failed: {1}",
                    new Object[] {vmUuid, cause.getMessage()});
              }
              return null;
            });
  }

  private static boolean quiet(PortholeStatus status) {
    return status == PortholeStatus.NOT_FOUND || status == PortholeStatus.CONFLICT;
  }

  /** {@code before} changed by the ok {@code result} of a command of {@code kind}. */
  static GuestSnapshot applied(
      GuestSnapshot before, GuestCommand.Kind kind, Map<String, Object> result) {
    if (kind == GuestCommand.Kind.REFRESH) {
      return before
          .withFacts(GuestInput.facts(result))
          .withSession(GuestSnapshot.Session.of(result.get("session")));
    }
    if (kind == GuestCommand.Kind.GET_SPN) {
      return before.withSpn(GuestInput.spn(result.get("spn")));
    }
    if (result.containsKey("session")) {
      return before.withSession(GuestSnapshot.Session.of(result.get("session")));
    }
    return before;
  }
}
