package org.porthole.hostagent.guest;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.porthole.guest.protocol.Message;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The at-most-once request table of one guest: each command gets a fresh id and waits here for its
 * reply or its timeout. After a reconnect to the same guest instance the waiting requests are
 * re-sent with their ids (the guest answers a repeat without acting again); a new instance makes
 * every sent request fail as "not re-sent"; a timed-out request is never re-sent. Runs on the event
 * loop, like its {@link GuestConnection}.
 */
final class GuestRequests {
  /** Commands waiting for a reply per guest; more are refused rather than queued. */
  static final int MAX_PENDING = 64;

  private final String vmUuid;
  private final EventLoop loop;
  private final GuestTimings timings;
  private final Supplier<String> ids;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  GuestRequests(String vmUuid, EventLoop loop, GuestTimings timings, Supplier<String> ids) {
    this.vmUuid = vmUuid;
    this.loop = loop;
    this.timings = timings;
    this.ids = ids;
  }

  /**
   * A new waiting request for {@code command}, its timeout running; null (and {@code result}
   * failed) when {@link #MAX_PENDING} already wait.
   */
  Pending open(GuestCommand command, CompletableFuture<GuestReply> result) {
    if (pending.size() >= MAX_PENDING) {
      result.completeExceptionally(
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "too many commands wait for the guest agent of domain " + vmUuid));
      return null;
    }
    String id = ids.get();
    Pending p =
        new Pending(
            new Message.Request(id, command.kind().wire(), command.args()), command.kind(), result);
    pending.put(id, p);
    p.timeout =
        loop.schedule(
            () -> timedOut(id), timings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  /** The request {@code id} answers, no longer waiting; null when unknown or expired. */
  Pending answered(String id) {
    Pending p = id == null ? null : pending.remove(id);
    if (p != null) {
      cancel(p.timeout);
    }
    return p;
  }

  /** Fails {@code p} with {@code e}; it no longer waits. */
  void fail(Pending p, AgentException e) {
    pending.remove(p.request.id());
    cancel(p.timeout);
    p.result.completeExceptionally(e);
  }

  /** Fails every waiting request (the channel stops for good). */
  void failAll(AgentException e) {
    for (Pending p : List.copyOf(pending.values())) {
      fail(p, e);
    }
  }

  /** A new guest instance never saw (or forgot) what we sent: fail instead of re-sending. */
  void abandonSent() {
    for (Pending p : List.copyOf(pending.values())) {
      if (p.sent) {
        fail(
            p,
            new AgentException(
                PortholeStatus.UPSTREAM_UNAVAILABLE,
                "the guest agent of domain "
                    + vmUuid
                    + " restarted before replying; the command was not re-sent (at most once)"));
      }
    }
  }

  /** The same guest instance after a reconnect: repeat each waiting request with its id. */
  void resend(Predicate<Message> write) {
    for (Pending p : new ArrayList<>(pending.values())) {
      p.sent = write.test(p.request) || p.sent;
    }
  }

  /**
   * What the guest's error reply ({@code guestCode}, {@code text}) to a {@code kind} command means
   * here. A guest still running an earlier SSO exchange answers {@code failed} with a text starting
   * {@value GuestCommand#BUSY} (docs/guest-protocol.md): that is CONFLICT with a reason starting
   * {@value GuestCommand#BUSY}, as the host's own busy SSO port, not an unavailable guest.
   */
  static AgentException refusal(
      String vmUuid, GuestCommand.Kind kind, String guestCode, String text) {
    if (guestCode.equals("failed") && text.startsWith(GuestCommand.BUSY)) {
      return new AgentException(
          PortholeStatus.CONFLICT,
          GuestCommand.BUSY
              + " the guest agent of domain "
              + vmUuid
              + " still runs an earlier SSO exchange and refused "
              + kind.wire());
    }
    PortholeStatus status =
        switch (guestCode) {
          case "bad-args" -> PortholeStatus.BAD_REQUEST;
          case "unknown-command" -> PortholeStatus.CONFLICT;
          case "not-found" -> PortholeStatus.NOT_FOUND;
          default -> PortholeStatus.UPSTREAM_UNAVAILABLE;
        };
    return new AgentException(
        status,
        "the guest agent of domain " + vmUuid + " refused " + kind.wire() + ": " + guestCode);
  }

  private void timedOut(String id) {
    Pending p = pending.get(id);
    if (p != null) {
      fail(
          p,
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the guest agent of domain "
                  + vmUuid
                  + " did not reply to "
                  + p.kind.wire()
                  + " within "
                  + timings.commandTimeout().toMillis()
                  + " ms; not re-sent"));
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** One request waiting for its reply. */
  static final class Pending {
    final Message.Request request;
    final GuestCommand.Kind kind;
    final CompletableFuture<GuestReply> result;
    ScheduledFuture<?> timeout;

    /** Written to the guest at least once (a new instance then cannot tell if it acted). */
    boolean sent;

    Pending(Message.Request request, GuestCommand.Kind kind, CompletableFuture<GuestReply> result) {
      this.request = request;
      this.kind = kind;
      this.result = result;
    }
  }
}
