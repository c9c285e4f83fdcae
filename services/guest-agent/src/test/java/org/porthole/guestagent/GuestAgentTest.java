package org.porthole.guestagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.testsupport.guest.GuestHostEnd;

/** The daemon against a host end on a unix socket in a temporary sysfs/dev tree. */
class GuestAgentTest {
  private static final String HOST_HELLO =
      "{\"type\":\"hello\",\"min\":1,\"max\":2,\"agent\":\"porthole-host-agent\",\"version\":\"0.2.0\",\"instance\":\"h-7a41\",\"answer\":false}";
  private static final String LOCK =
      "{\"type\":\"request\",\"id\":\"42\",\"command\":\"lock-screen\",\"args\":{}}";
  private static final String LOCKED =
      "{\"type\":\"ok\",\"id\":\"42\",\"result\":{\"session\":\"locked\"}}";
  private static final String REFRESH =
      "{\"type\":\"request\",\"id\":\"r%d\",\"command\":\"refresh\",\"args\":{}}";

  @TempDir Path root;
  private GuestHostEnd host;
  private GuestAgent agent;
  private Thread agentThread;
  private final RecordingBackend desktop = new RecordingBackend();

  @BeforeEach
  void start() throws Exception {
    host = GuestHostEnd.listen(portTree(root, "org.porthole.guest.0"));
    GuestAgentConfig config =
        GuestAgentConfig.from(
            Settings.of(
                Map.of(
                    "porthole.guest.sysfs-root", root.resolve("sys").toString(),
                    "porthole.guest.dev-root", root.resolve("dev").toString(),
                    "porthole.guest.heartbeat-millis", "100",
                    "porthole.guest.reconnect-min-millis", "20",
                    "porthole.guest.reconnect-max-millis", "200",
                    "porthole.guest.keytab", root.resolve("none.keytab").toString(),
                    "porthole.guest.os-release", root.resolve("os-release").toString())));
    agent = new GuestAgent(config, desktop);
    agentThread = new Thread(agent::run, "agent-under-test");
    agentThread.start();
    host.accept();
  }

  @AfterEach
  void stop() throws Exception {
    agent.stop();
    host.close();
    agentThread.join(5_000);
    assertFalse(agentThread.isAlive(), "agent thread did not end");
  }

  /**
   * A sysfs/dev tree with the port named {@code portName} at vport1p2 and the SSO port beside it;
   * returns where the agent expects the port's device.
   */
  private static Path portTree(Path root, String portName) throws IOException {
    Path sys = Files.createDirectories(root.resolve("sys/vport1p2"));
    Files.writeString(sys.resolve("name"), portName + "\n");
    Files.createDirectories(root.resolve("sys/vport1p3"));
    Files.writeString(root.resolve("sys/vport1p3/name"), "org.porthole.sso.0\n");
    Files.createDirectories(root.resolve("dev"));
    return root.resolve("dev/vport1p2");
  }

  private void handshake() throws Exception {
    String hello = host.next();
    assertTrue(
        hello.startsWith(
            "{\"type\":\"hello\",\"min\":1,\"max\":1,\"agent\":\"porthole-guest-agent\","),
        hello);
    assertTrue(
        hello.endsWith("\"instance\":\"" + agent.instance() + "\",\"answer\":false}"), hello);
    host.send(HOST_HELLO);
    String answer = host.next();
    assertTrue(answer.endsWith("\"answer\":true}"), answer);
  }

  /** Proves the agent still serves: a fresh refresh request gets its ok reply. */
  private void assertStillServes(int n) throws Exception {
    host.send(String.format(REFRESH, n));
    String reply = host.nextReply();
    assertTrue(
        reply.startsWith("{\"type\":\"ok\",\"id\":\"r" + n + "\",\"result\":{\"os\":"), reply);
  }

  @Test
  void saysHelloAnswersTheHostAndLocksTheScreenByteExactly() throws Exception {
    handshake();
    host.send(LOCK);
    assertEquals(
        "{\"type\":\"event\",\"event\":\"session\",\"data\":{\"state\":\"locked\"}}", host.next());
    assertEquals(LOCKED, host.next());
    assertEquals(1, desktop.locks.get());
    String refresh = String.format(REFRESH, 1);
    host.send(refresh);
    String reply = host.nextReply();
    assertTrue(
        reply.contains("\"users\":[\"alice\"],\"session\":\"locked\",\"client\":\"disconnected\"}"),
        reply);
  }

  @Test
  void sendsHeartbeatsOnItsInterval() throws Exception {
    handshake();
    Thread.sleep(700);
    assertTrue(host.heartbeats() >= 3, "heartbeats: " + host.heartbeats());
  }

  @Test
  void refusesRequestsBeforeHello() throws Exception {
    host.next();
    host.send(LOCK);
    assertEquals(
        "{\"type\":\"error\",\"id\":\"42\",\"code\":\"no-hello\",\"text\":\"request before hello\"}",
        host.next());
    assertEquals(0, desktop.locks.get());
  }

  @Test
  void unknownCommandGetsAnErrorAndTheAgentGoesOn() throws Exception {
    handshake();
    host.send("{\"type\":\"request\",\"id\":\"44\",\"command\":\"format-disk\",\"args\":{}}");
    assertEquals(
        "{\"type\":\"error\",\"id\":\"44\",\"code\":\"unknown-command\",\"text\":\"unknown command\"}",
        host.next());
    assertStillServes(1);
  }

  @Test
  void survivesMalformedJsonOfEveryKind() throws Exception {
    handshake();
    String[] hostile = {
      "{\"type\":\"request\",\"id\":\"1\"",
      "{\"type\":\"heartbeat\",\"seq\":1} trailing",
      "[".repeat(10_000) + "]".repeat(10_000),
      "{\"type\":\"heartbeat\",\"seq\":" + "9".repeat(100_000) + "}",
      "{\"type\":\"request\",\"id\":\"1\",\"id\":\"2\",\"command\":\"lock-screen\"}",
      "[\"not\",\"an\",\"object\"]",
      "\"hello\"",
    };
    String[] codes = {
      "bad-json", "bad-json", "bad-json", "bad-json", "bad-json", "bad-message", "bad-message"
    };
    for (int i = 0; i < hostile.length; i++) {
      host.send(hostile[i]);
      String reply = host.next();
      assertTrue(
          reply.startsWith("{\"type\":\"error\",\"code\":\"" + codes[i] + "\""), i + ": " + reply);
      assertStillServes(i);
    }
    assertEquals(0, desktop.locks.get());
  }

  @Test
  void answersBadArgumentsAndUnknownTypesWithTheRequestId() throws Exception {
    handshake();
    host.send(
        "{\"type\":\"request\",\"id\":\"s1\",\"command\":\"shutdown\",\"args\":{\"delay\":1e30}}");
    assertEquals(
        "{\"type\":\"error\",\"id\":\"s1\",\"code\":\"bad-args\",\"text\":\"delay must be an integer from 0 to 3600\"}",
        host.next());
    host.send("{\"type\":\"teleport\",\"id\":\"t1\"}");
    assertTrue(
        host.next().startsWith("{\"type\":\"error\",\"id\":\"t1\",\"code\":\"unknown-type\""));
    assertEquals(0, desktop.powerOffs.get());
    assertStillServes(1);
  }

  @Test
  void dropsOversizedLinesAndServesTheNextCommand() throws Exception {
    handshake();
    byte[] big = new byte[1024 * 1024 + 1];
    Arrays.fill(big, (byte) 'x');
    host.sendBytes(big);
    host.sendBytes("\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        "{\"type\":\"error\",\"code\":\"line-too-long\",\"text\":\"line longer than 1048576 bytes dropped\"}",
        host.next());
    assertStillServes(1);
    byte[] huge = new byte[10 * 1024 * 1024];
    Arrays.fill(huge, (byte) '{');
    host.sendBytes(huge);
    assertTrue(host.next().contains("line-too-long"));
    host.sendBytes("\n".getBytes(StandardCharsets.US_ASCII));
    assertStillServes(2);
  }

  @Test
  void replacesInvalidUtf8AndGoesOn() throws Exception {
    handshake();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    line.writeBytes("{\"type\":\"request\",\"id\":\"u\u00e9".getBytes(StandardCharsets.UTF_8));
    line.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
    line.writeBytes(
        "\",\"command\":\"client-connect\",\"args\":{\"user\":\"al\u00efce\"}}\n"
            .getBytes(StandardCharsets.UTF_8));
    host.sendBytes(line.toByteArray());
    assertEquals(
        "{\"type\":\"ok\",\"id\":\"u\u00e9\ufffd\ufffd\",\"result\":{\"client\":\"connected\"}}",
        host.next());
    host.sendBytes(new byte[] {(byte) 0xc3, (byte) 0x28, '\n'});
    assertTrue(host.next().contains("bad-json"));
    assertStillServes(1);
  }

  @Test
  void floodOfOneHundredThousandMessagesThenAValidCommand() throws Exception {
    handshake();
    StringBuilder flood = new StringBuilder();
    for (int i = 1; i <= 100_000; i++) {
      flood.append("{\"type\":\"heartbeat\",\"seq\":").append(i).append("}\n");
    }
    host.sendBytes(flood.toString().getBytes(StandardCharsets.US_ASCII));
    host.send(LOCK);
    assertEquals(LOCKED, host.nextReply());
  }

  @Test
  void aResentIdGetsTheSameReplyWithoutRunningAgain() throws Exception {
    handshake();
    host.send(LOCK);
    assertEquals(LOCKED, host.nextReply());
    host.send(LOCK);
    assertEquals(LOCKED, host.nextReply());
    assertEquals(1, desktop.locks.get());
  }

  @Test
  void reconnectsWhenTheHostGoesAwayAndAppliesNoCommandTwice() throws Exception {
    handshake();
    host.send(LOCK);
    assertEquals(LOCKED, host.nextReply());
    host.disconnect();
    host.accept();
    String hello = host.next();
    assertTrue(hello.contains("\"instance\":\"" + agent.instance() + "\",\"answer\":false"), hello);
    host.send(HOST_HELLO.replace("h-7a41", "h-restarted"));
    assertTrue(host.next().endsWith("\"answer\":true}"));
    host.send(LOCK);
    assertEquals(LOCKED, host.nextReply());
    assertEquals(1, desktop.locks.get());
    assertStillServes(1);
  }

  @Test
  void reopensThePortAfterItDisappearedAndCameBack() throws Exception {
    handshake();
    host.unplug();
    Thread.sleep(300);
    host.listen();
    host.accept();
    handshake();
    assertStillServes(1);
  }

  @Test
  void noCommonVersionIsRefusedThenClosedAndTheAgentTriesAgain() throws Exception {
    host.next();
    host.send(HOST_HELLO.replace("\"min\":1,\"max\":2", "\"min\":2,\"max\":3"));
    assertEquals(
        "{\"type\":\"error\",\"code\":\"no-common-version\",\"text\":\"no common protocol version: ours 1..1, peer's 2..3\"}",
        host.next());
    assertEquals(GuestHostEnd.END, host.next());
    host.accept();
    handshake();
    assertStillServes(1);
  }

  @Test
  void olderHostIsMetAtVersionOne() throws Exception {
    host.next();
    host.send(HOST_HELLO.replace("\"max\":2", "\"max\":1"));
    assertTrue(host.next().endsWith("\"answer\":true}"));
    host.send(HOST_HELLO.replace("false}", "true}"));
    assertStillServes(1);
  }
}
