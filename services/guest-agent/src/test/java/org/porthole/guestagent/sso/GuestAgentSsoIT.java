package org.porthole.guestagent.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.guest.protocol.ChannelStreams;
import org.porthole.guestagent.GuestAgent;
import org.porthole.guestagent.GuestAgentConfig;
import org.porthole.guestagent.RecordingBackend;
import org.porthole.sso.exchange.ClientExchange;
import org.porthole.sso.exchange.SsoRefusedException;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.TicketCache;
import org.porthole.testsupport.guest.GuestHostEnd;

/**
 * The guest agent's SSO path with the real MIT KDC: the host agent says {@code sso-begin} on the
 * control port, the agent opens its SSO port (a unix socket in a temporary sysfs/dev tree, where
 * the test plays the viewer through the host's end) and alice signs in with her forwarded TGT: her
 * session is unlocked, her ticket cache is hers alone, and the host hears the outcome.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang fails the test, not the build
class GuestAgentSsoIT {
  private static final String SPN = "host/porthole-demo.porthole.test@" + Kdc.REALM;
  private static final String ALICE = "alice@" + Kdc.REALM;
  private static final String NONCE = "Zr4n9Q-Tk2_wB7xLmP0a";
  private static final int ALICE_UID = 4301;

  /** Generous for a loaded machine: a whole exchange takes well under a second unloaded. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The agent's limit per exchange here: a silent viewer is cut off after it. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private static final String HOST_HELLO =
      "{\"type\":\"hello\",\"min\":1,\"max\":1,\"agent\":\"porthole-host-agent\",\"version\":\"0.2.0\",\"instance\":\"h-sso\",\"answer\":false}";

  @TempDir static Path realmDir;
  private static Kdc kdc;
  private static Path keytab;
  private static Subject alice;

  @TempDir Path root;
  private GuestHostEnd host;
  private ServerSocketChannel ssoPort;
  private GuestAgent agent;
  private Thread agentThread;
  private Path caches;
  private final RecordingBackend desktop = new RecordingBackend();

  @BeforeAll
  static void realm() throws Exception {
    kdc = Kdc.start(realmDir.resolve("kdc"), Ports.free(), realmDir.resolve("logs"));
    keytab = realmDir.resolve("guest.keytab");
    kdc.addService(SPN, true, keytab);
    System.setProperty("java.security.krb5.conf", kdc.krb5Conf().toString());
    Path cache = realmDir.resolve("alice.cc");
    kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), cache);
    alice = TicketCache.subject(cache, ALICE);
  }

  @AfterAll
  static void stopRealm() {
    if (kdc != null) {
      kdc.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    Path sys = Files.createDirectories(root.resolve("sys/vport1p2"));
    Files.writeString(sys.resolve("name"), "org.porthole.guest.0\n");
    Files.createDirectories(root.resolve("sys/vport1p3"));
    Files.writeString(root.resolve("sys/vport1p3/name"), GuestAgentConfig.SSO_PORT + "\n");
    Files.createDirectories(root.resolve("dev"));
    ssoPort = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ssoPort.bind(UnixDomainSocketAddress.of(root.resolve("dev/vport1p3")));
    host = GuestHostEnd.listen(root.resolve("dev/vport1p2"));
    Path home = Files.createDirectories(root.resolve("home/alice"));
    Files.writeString(
        root.resolve("passwd"),
        "alice:x:" + ALICE_UID + ":" + ALICE_UID + "::" + home + ":/bin/sh\n");
    caches = Files.createDirectories(root.resolve("tmp"));
    agent = new GuestAgent(config(), desktop);
    agentThread = new Thread(agent::run, "agent-under-test");
    agentThread.start();
    host.accept();
    host.next(WAIT); // the agent's hello
    host.send(HOST_HELLO);
    host.next(WAIT); // its answer
  }

  private GuestAgentConfig config() {
    return GuestAgentConfig.from(
        Settings.of(
            Map.of(
                "porthole.guest.sysfs-root", root.resolve("sys").toString(),
                "porthole.guest.dev-root", root.resolve("dev").toString(),
                "porthole.guest.heartbeat-millis", "60000",
                "porthole.guest.keytab", keytab.toString(),
                "porthole.guest.spn", SPN,
                "porthole.guest.passwd", root.resolve("passwd").toString(),
                "porthole.guest.ccache-dir", caches.toString(),
                "porthole.guest.sso-limit-seconds", String.valueOf(LIMIT.toSeconds()),
                "porthole.guest.os-release", root.resolve("os-release").toString())));
  }

  @AfterEach
  void stop() throws Exception {
    agent.stop();
    host.close();
    ssoPort.close();
    agentThread.join(5_000);
    assertFalse(agentThread.isAlive(), "agent thread did not end");
  }

  @Test
  void aliceSignsInWithHerForwardedTgtAndTheHostHearsIt() throws Exception {
    Map<String, Object> result = signIn("s1", "a1");
    assertEquals("alice", result.get("user"));
    assertEquals(true, result.get("delegated"));
    assertEquals("unlocked", result.get("session"));
    String event = host.next(WAIT);
    assertEquals(
        "{\"type\":\"event\",\"event\":\"sso\",\"data\":{\"session\":\"s1\",\"outcome\":\"ok\","
            + "\"user\":\"alice\",\"delegated\":true,\"principal\":\""
            + ALICE
            + "\"}}",
        event);
    assertEquals(List.of("alice"), desktop.unlocked);
    Path cache = caches.resolve("krb5cc_" + ALICE_UID);
    assertEquals(ALICE_UID, Files.getAttribute(cache, "unix:uid"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    String klist = kdc.clientTool(cache, "klist", "-f");
    assertTrue(klist.contains("Default principal: " + ALICE), klist);
    assertTrue(kdc.ticketFlags(cache, "krbtgt/" + Kdc.REALM + "@" + Kdc.REALM).contains("F"));
  }

  @Test
  void oneExchangeAfterAnotherEachGetsItsOwnBegin() throws Exception {
    signIn("s1", "a1");
    host.next(WAIT);
    Map<String, Object> again = signIn("s2", "a2");
    assertEquals("alice", again.get("user"));
    assertTrue(host.next(WAIT).contains("\"session\":\"s2\",\"outcome\":\"ok\""));
  }

  @Test
  void aBeginWithABadNonceIsBadArgsAndOpensNothing() throws Exception {
    host.send(begin("b1", "s1", "short", ALICE));
    String reply = host.nextReply(WAIT);
    assertTrue(reply.startsWith("{\"type\":\"error\",\"id\":\"b1\",\"code\":\"bad-args\""), reply);
    ssoPort.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      ssoPort.register(selector, SelectionKey.OP_ACCEPT);
      assertEquals(0, selector.select(1_000), "the agent must not open the SSO port");
    }
  }

  @Test
  void aSecondBeginWhileOneRunsIsBusyAndTheFirstStillEnds() throws Exception {
    host.send(begin("c1", "s1", NONCE, ALICE));
    assertTrue(host.nextReply(WAIT).contains("\"result\":{\"sso\":\"started\"}"));
    try (SocketChannel viewer = ssoPort.accept()) {
      host.send(begin("c2", "s2", NONCE, ALICE));
      String busy = host.nextReply(WAIT);
      assertTrue(busy.startsWith("{\"type\":\"error\",\"id\":\"c2\",\"code\":\"failed\""), busy);
      assertTrue(busy.contains("busy"), busy);
      assertEquals("alice", exchange(viewer, "s1").get("user"));
    }
    assertTrue(host.next(WAIT).contains("\"session\":\"s1\",\"outcome\":\"ok\""));
  }

  @Test
  void anotherUsersConsoleIsRefusedAsWrongUserAndNothingIsStored() throws Exception {
    String bob = "bob@" + Kdc.REALM;
    host.send(begin("w1", "s1", NONCE, bob));
    host.nextReply(WAIT);
    try (SocketChannel viewer = ssoPort.accept()) {
      SsoRefusedException refused =
          assertThrows(SsoRefusedException.class, () -> exchange(viewer, "s1"));
      assertEquals("wrong-user", refused.code());
    }
    String event = host.next(WAIT);
    assertTrue(event.contains("\"outcome\":\"refused\",\"code\":\"wrong-user\""), event);
    assertTrue(desktop.unlocked.isEmpty());
    try (var files = Files.list(caches)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void aSilentViewerIsCutOffAtTheLimitAndTheNextBeginWorks() throws Exception {
    host.send(begin("t1", "s1", NONCE, ALICE));
    host.nextReply(WAIT);
    try (SocketChannel silent = ssoPort.accept()) {
      SsoLines lines = new SsoLines(ChannelStreams.in(silent), ChannelStreams.out(silent));
      assertTrue(lines.next() instanceof SsoLines.Read.Message, "the guest greets, then waits");
      String event = host.next(LIMIT.plus(WAIT));
      assertTrue(event.contains("\"session\":\"s1\""), event);
      assertTrue(event.contains("\"code\":\"timeout\""), event);
    }
    assertEquals("alice", signIn("s2", "t2").get("user"));
  }

  /** sso-begin for {@code session}, then the viewer's side of the exchange as alice. */
  private Map<String, Object> signIn(String session, String requestId) throws Exception {
    host.send(begin(requestId, session, NONCE, ALICE));
    assertEquals(
        "{\"type\":\"ok\",\"id\":\"" + requestId + "\",\"result\":{\"sso\":\"started\"}}",
        host.nextReply(WAIT));
    try (SocketChannel viewer = ssoPort.accept()) {
      return exchange(viewer, session);
    }
  }

  /** The viewer's side of one exchange on {@code viewer}, as alice. */
  private static Map<String, Object> exchange(SocketChannel viewer, String session)
      throws Exception {
    SsoLines lines = new SsoLines(ChannelStreams.in(viewer), ChannelStreams.out(viewer));
    return new ClientExchange(
            lines,
            session,
            NONCE,
            binding -> new GssapiClient(alice, SPN, DelegationPolicy.OK_AS_DELEGATE, binding))
        .run();
  }

  private static String begin(String id, String session, String nonce, String principal) {
    return "{\"type\":\"request\",\"id\":\""
        + id
        + "\",\"command\":\"sso-begin\",\"args\":{\"session\":\""
        + session
        + "\",\"nonce\":\""
        + nonce
        + "\",\"principal\":\""
        + principal
        + "\"}}";
  }
}
