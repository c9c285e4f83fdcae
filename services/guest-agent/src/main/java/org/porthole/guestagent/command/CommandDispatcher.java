package org.porthole.guestagent.command;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.porthole.guest.protocol.Message;

/**
 * Runs requests one at a time on the command thread, in arrival order, so a slow tool never stalls
 * the reader or the heartbeats, and applies each id at most once through {@link RecentReplies}: a
 * repeated id is answered with the first reply, sent when it exists. {@link #submit} is called by
 * the reader thread.
 */
public final class CommandDispatcher {
  private final Commands commands;
  private final RecentReplies recent;
  private final ExecutorService commandThread;
  private final Outbox outbox;

  public CommandDispatcher(
      Commands commands, RecentReplies recent, ExecutorService commandThread, Outbox outbox) {
    this.commands = commands;
    this.recent = recent;
    this.commandThread = commandThread;
    this.outbox = outbox;
  }

  /** Queues {@code request}; its reply goes to the outbox when ready. */
  public void submit(Message.Request request) {
    CompletableFuture<Message> fresh = new CompletableFuture<>();
    CompletableFuture<Message> earlier = recent.claim(request.id(), fresh);
    if (earlier != null) {
      earlier.thenAccept(outbox::send);
      return;
    }
    commandThread.execute(
        () -> {
          Message reply = commands.run(request);
          fresh.complete(reply);
          outbox.send(reply);
        });
  }
}
