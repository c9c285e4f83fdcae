package org.porthole.testsupport.guest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.porthole.guest.protocol.ChannelStreams;
import org.porthole.guest.protocol.ErrorCode;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.Handshake;
import org.porthole.guest.protocol.LineReader;
import org.porthole.guest.protocol.LineWriter;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;
import org.porthole.guest.protocol.ProtocolException;
import org.porthole.guest.protocol.VersionRange;

/**
 * A guest agent for tests, built on libs/guest-protocol only (services never depend on each other):
 * listens on a unix socket as QEMU does for a virtio-serial channel, serves one host connection at
 * a time, says and answers hello, sends heartbeats, answers commands at most once per id, and can
 * misbehave on demand. Its counters and switches are safe to use from any thread.
 */
public final class FakeGuest implements AutoCloseable {
  private final Path socket;
  private final List<Message.Request> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Message> fromHost = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger actionsRun = new AtomicInteger();
  private volatile VersionRange versions = VersionRange.V1;
  private volatile boolean answer = true;
  private volatile boolean heartbeats = true;
  private volatile boolean helloFirst;
  private volatile String session = "unlocked";
  private volatile String spn;
  private volatile FakeSsoPort ssoPort;

  private final Map<String, Message> replies = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final ScheduledExecutorService beat =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-guest-beat");
            t.setDaemon(true);
            return t;
          });
  private volatile String instance = UUID.randomUUID().toString();
  private volatile Handshake handshake = newHandshake();
  private volatile ServerSocketChannel server;
  private volatile SocketChannel current;
  private volatile LineWriter writer;

  /** A guest for {@code socket} that sends a heartbeat every {@code heartbeat} once connected. */
  public FakeGuest(Path socket, Duration heartbeat) {
    this.socket = socket;
    long ms = heartbeat.toMillis();
    beat.scheduleAtFixedRate(this::heartbeat, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The unix socket this guest listens on. */
  public Path socket() {
    return socket;
  }

  /** Starts listening (again) on the socket path. */
  public FakeGuest listen() throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    server = s;
    Thread acceptor = new Thread(() -> acceptLoop(s), "fake-guest");
    acceptor.setDaemon(true);
    acceptor.start();
    return this;
  }

  /** The versions the next hello announces (from the next connection or restart on). */
  public void versions(VersionRange versions) {
    this.versions = versions;
  }

  /** Whether commands are answered; a resent id is answered from memory either way. */
  public void answer(boolean answer) {
    this.answer = answer;
  }

  /** Whether heartbeats are sent. */
  public void heartbeats(boolean heartbeats) {
    this.heartbeats = heartbeats;
  }

  /** Say hello as soon as the host connects, before the host's hello arrives. */
  public void helloFirst(boolean helloFirst) {
    this.helloFirst = helloFirst;
  }

  /** What {@code get-spn} answers; null (the default): {@code not-found}, as without a keytab. */
  public void spn(String spn) {
    this.spn = spn;
  }

  /** The SSO port {@code sso-begin} starts exchanges on; null (the default): begin fails. */
  public void ssoPort(FakeSsoPort port) {
    this.ssoPort = port;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Lock and log-off commands carried out so far (a resent id is not carried out again). */
  public int actionsRun() {
    return actionsRun.get();
  }

  /** Every request the host sent, oldest first, resent ones included. */
  public List<Message.Request> requests() {
    return List.copyOf(requests);
  }

  /** The host's messages that {@link #next} has not taken, oldest first. */
  public List<Message> fromHost() {
    return List.copyOf(fromHost);
  }

  /** The current agent instance id; {@link #restart()} changes it. */
  public String instance() {
    return instance;
  }

  /** The socket goes away, as when QEMU stops: the listener and the connection close. */
  public void vanish() throws IOException {
    ServerSocketChannel s = server;
    if (s != null) {
      s.close();
    }
    dropConnection();
    Files.deleteIfExists(socket);
  }

  /** Closes the host's connection only (the socket stays). */
  public void dropConnection() throws IOException {
    SocketChannel c = current;
    if (c != null) {
      c.close();
    }
  }

  /** The guest agent process restarts: new instance, forgotten replies, a fresh hello. */
  public void restart() throws IOException {
    instance = UUID.randomUUID().toString();
    handshake = newHandshake();
    replies.clear();
    send(handshake.opening());
  }

  /** Sends {@code m} on the current connection. */
  public void send(Message m) throws IOException {
    writer.send(m);
  }

  /** Raw bytes, for hostile input. */
  public void sendRaw(byte[] bytes) throws IOException {
    SocketChannel c = current;
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /** The next message from the host of the given type, within {@code ms}; others are dropped. */
  public <T extends Message> T next(Class<T> type, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      Message m = fromHost.poll(end - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " from the host within " + ms + " ms");
  }

  private Handshake newHandshake() {
    return new Handshake(
        new Message.Hello(versions, "porthole-guest-agent", "0.1.0-test", instance, false));
  }

  private void acceptLoop(ServerSocketChannel s) {
    while (s.isOpen()) {
      try (SocketChannel c = s.accept()) {
        current = c;
        connections.incrementAndGet();
        writer = new LineWriter(ChannelStreams.out(c));
        handshake = newHandshake();
        seq.set(0);
        if (helloFirst) {
          send(handshake.opening());
        }
        serve(c);
      } catch (IOException e) {
        // connection or listener closed: accept the next one, if still listening
      }
    }
  }

  private void serve(SocketChannel c) throws IOException {
    LineReader reader = new LineReader(ChannelStreams.in(c));
    Frame f;
    while ((f = reader.next()) != null) {
      if (f instanceof Frame.Oversized) {
        continue;
      }
      Message m;
      try {
        m = MessageCodec.decode(((Frame.Line) f).text());
      } catch (ProtocolException e) {
        send(e.toReply());
        continue;
      }
      fromHost.add(m);
      if (m instanceof Message.Hello h) {
        Handshake.Outcome o = handshake.onPeerHello(h);
        if (o.reply().isPresent()) {
          send(o.reply().get());
        }
        // On a refusal the real agent closes too; the fake reads on, so the tests see the
        // host's own refusal and close.
      } else if (m instanceof Message.Request r) {
        onRequest(r);
      }
    }
  }

  private void onRequest(Message.Request r) throws IOException {
    requests.add(r);
    Message remembered = replies.get(r.id());
    if (remembered != null) {
      send(remembered);
      return;
    }
    if (!answer) {
      return;
    }
    Message reply =
        switch (r.command()) {
          case "refresh" -> new Message.OkReply(r.id(), facts());
          case "lock-screen" -> act("locked", r);
          case "log-off" -> act("logged-off", r);
          case "shutdown", "reboot" -> new Message.OkReply(r.id(), Map.of("delay", 0));
          case "get-spn" -> getSpn(r);
          case "sso-begin" -> ssoBegin(r);
          default ->
              new Message.ErrorReply(r.id(), ErrorCode.UNKNOWN_COMMAND.wire(), "unknown command");
        };
    replies.put(r.id(), reply);
    send(reply);
  }

  private Message getSpn(Message.Request r) {
    String s = spn;
    return s == null
        ? new Message.ErrorReply(r.id(), ErrorCode.NOT_FOUND.wire(), "no SPN")
        : new Message.OkReply(r.id(), Map.of("spn", s, "source", "keytab"));
  }

  private Message ssoBegin(Message.Request r) throws IOException {
    FakeSsoPort port = ssoPort;
    Object sid = r.args().get("session");
    Object nonce = r.args().get("nonce");
    Object principal = r.args().get("principal");
    if (!(sid instanceof String) || !(nonce instanceof String) || !(principal instanceof String)) {
      return new Message.ErrorReply(r.id(), ErrorCode.BAD_ARGS.wire(), "sso-begin needs strings");
    }
    if (port == null) {
      return new Message.ErrorReply(r.id(), ErrorCode.FAILED.wire(), "no SSO port");
    }
    if (!port.begin((String) sid, (String) nonce, (String) principal)) {
      return new Message.ErrorReply(r.id(), ErrorCode.FAILED.wire(), "busy: an exchange runs");
    }
    return new Message.OkReply(r.id(), Map.of("sso", "started"));
  }

  /** What {@code refresh} reports: a fixed Debian guest with the session of the moment. */
  private Map<String, Object> facts() {
    return Map.of(
        "os",
        Map.of("name", "Debian GNU/Linux", "version", "12", "kernel", "6.1.0", "arch", "amd64"),
        "hostname",
        "vm1",
        "ips",
        List.of("192.0.2.10"),
        "users",
        List.of("alice"),
        "session",
        session,
        "client",
        "connected");
  }

  private Message act(String newSession, Message.Request r) throws IOException {
    actionsRun.incrementAndGet();
    session = newSession;
    send(new Message.Event("session", Map.of("state", newSession)));
    return new Message.OkReply(r.id(), Map.of("session", newSession));
  }

  private void heartbeat() {
    LineWriter w = writer;
    SocketChannel c = current;
    if (!heartbeats || w == null || c == null || !c.isOpen()) {
      return;
    }
    try {
      w.send(new Message.Heartbeat(seq.incrementAndGet()));
    } catch (IOException e) {
      // connection gone; the next one gets heartbeats
    }
  }

  @Override
  public void close() throws IOException {
    beat.shutdownNow();
    vanish();
  }
}
