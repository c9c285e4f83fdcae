package org.porthole.guestagent.command;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.LineWriter;
import org.porthole.guest.protocol.Message;

/**
 * Sends to whichever channel opening is current. Replies and events produced while the port is
 * closed are dropped: the host pulls state after it sees our hello again, and a repeated request id
 * is answered from {@link RecentReplies}. Thread-safe.
 */
public final class Outbox {
  private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

  private volatile LineWriter writer;

  /** Makes {@code writer} current; {@code null} when the port is closed. */
  public void attach(LineWriter writer) {
    this.writer = writer;
  }

  /** Sends {@code message} on the current opening; false when it could not be sent. */
  public boolean send(Message message) {
    LineWriter current = writer;
    if (current == null) {
      return false;
    }
    try {
      current.send(message);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(
          Level.FINE,
          "could not send {0}: {1}",
          new Object[] {message.getClass().getSimpleName(), e.getClass().getSimpleName()});
      return false;
    }
  }
}
