package org.porthole.guestagent;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.ErrorCode;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.Handshake;
import org.porthole.guest.protocol.LineFramer;
import org.porthole.guest.protocol.LineReader;
import org.porthole.guest.protocol.LineWriter;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;
import org.porthole.guest.protocol.ProtocolException;
import org.porthole.guestagent.command.CommandDispatcher;
import org.porthole.guestagent.command.Outbox;
import org.porthole.guestagent.port.PortChannel;

/**
 * One opening of the control port: say hello, send heartbeats, read lines until the port ends.
 * Every bad line is answered with an error and reading goes on; only the end of the stream, an I/O
 * error or a peer without a common version ends the opening. Messages are logged by kind and error
 * code, never by content.
 *
 * <p>Threads: {@link #run} is the reader; heartbeats come from this opening's own timer thread (so
 * a write stuck on a dead opening cannot delay the next one); replies come from the command thread.
 * All writes go through one {@link LineWriter}.
 */
final class ChannelSession {
  private static final Logger LOG = Logger.getLogger(ChannelSession.class.getName());

  private final PortChannel port;
  private final Handshake handshake;
  private final CommandDispatcher dispatcher;
  private final Outbox outbox;
  private final Duration heartbeat;
  private final AtomicLong seq = new AtomicLong();
  private boolean negotiated;

  ChannelSession(
      PortChannel port,
      Handshake handshake,
      CommandDispatcher dispatcher,
      Outbox outbox,
      Duration heartbeat) {
    this.port = port;
    this.handshake = handshake;
    this.dispatcher = dispatcher;
    this.outbox = outbox;
    this.heartbeat = heartbeat;
  }

  /** Serves the opening until it ends; true when a peer hello was accepted during it. */
  boolean run() throws IOException {
    LineWriter writer = new LineWriter(port.out());
    handshake.channelReopened();
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "guest-heartbeat");
              t.setDaemon(true);
              return t;
            });
    try {
      writer.send(handshake.opening());
      outbox.attach(writer);
      long period = heartbeat.toMillis();
      beat.scheduleAtFixedRate(() -> sendHeartbeat(writer), period, period, TimeUnit.MILLISECONDS);
      readUntilEnd(writer, new LineReader(port.in()));
    } finally {
      outbox.attach(null);
      beat.shutdownNow();
    }
    return negotiated;
  }

  private void sendHeartbeat(LineWriter writer) {
    try {
      writer.send(new Message.Heartbeat(seq.incrementAndGet()));
    } catch (IOException e) {
      LOG.log(Level.FINE, "heartbeat not sent: {0}", e.getClass().getSimpleName());
    }
  }

  private void readUntilEnd(LineWriter writer, LineReader reader) throws IOException {
    for (Frame frame = reader.next(); frame != null; frame = reader.next()) {
      if (frame instanceof Frame.Oversized o) {
        LOG.warning("dropped a line longer than " + o.limit() + " bytes");
        writer.send(
            new Message.ErrorReply(
                null,
                ErrorCode.LINE_TOO_LONG.wire(),
                "line longer than " + LineFramer.MAX_LINE_BYTES + " bytes dropped"));
        continue;
      }
      String text = ((Frame.Line) frame).text();
      if (text.isBlank()) {
        continue;
      }
      if (!handle(writer, text)) {
        return;
      }
    }
  }

  /** Handles one line; false when the opening must be closed. */
  private boolean handle(LineWriter writer, String text) throws IOException {
    Message message;
    try {
      message = MessageCodec.decode(text);
    } catch (ProtocolException e) {
      LOG.log(
          Level.WARNING,
          "bad line from host ({0} bytes): {1}",
          new Object[] {text.length(), e.code().wire()});
      writer.send(e.toReply());
      return true;
    }
    if (message instanceof Message.Hello hello) {
      return onHello(writer, hello);
    }
    if (message instanceof Message.Request request) {
      if (handshake.version().isEmpty()) {
        writer.send(
            new Message.ErrorReply(
                request.id(), ErrorCode.NO_HELLO.wire(), "request before hello"));
      } else {
        dispatcher.submit(request);
      }
      return true;
    }
    if (message instanceof Message.ErrorReply error) {
      LOG.log(Level.WARNING, "host reports error {0}", error.code());
    }
    return true;
  }

  private boolean onHello(LineWriter writer, Message.Hello hello) throws IOException {
    Handshake.Outcome outcome = handshake.onPeerHello(hello);
    if (outcome.peerRestarted()) {
      LOG.info("host agent restarted (new instance); it will pull our state");
    }
    if (outcome.reply().isPresent()) {
      writer.send(outcome.reply().get());
    }
    if (outcome.close()) {
      LOG.warning(
          "no common protocol version with the host (host "
              + hello.versions()
              + "); closing the port");
      return false;
    }
    if (!negotiated) {
      LOG.info(
          "host agent speaks "
              + hello.versions()
              + "; using protocol version "
              + outcome.version().getAsInt());
    }
    negotiated = true;
    return true;
  }
}
