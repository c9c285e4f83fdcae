package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.LogCapture;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.guest.FakeGuest;

/** The host end of the guest channel against a fake guest on a real unix socket. */
class GuestChannelsTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String VM2 = "1c3d9b5f-4a7e-4d2b-8f8c-6e3a2b1d0f9c";
  private static final Duration BEAT = Duration.ofMillis(100);
  private static final GuestTimings FAST =
      new GuestTimings(
          BEAT, 3, Duration.ofMillis(800), Duration.ofMillis(20), Duration.ofMillis(200));

  /**
   * The flood test's timings: the same heartbeat, but three seconds of silence before a guest
   * counts as unresponsive, so a busy CI machine starving the quiet guest's own thread for a few
   * hundred milliseconds is not mistaken for the host agent starving it.
   */
  private static final GuestTimings FLOOD =
      new GuestTimings(
          BEAT, 30, Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200));

  Path dir;
  final Map<String, Path> socketsByVm = new HashMap<>();
  final List<GuestSnapshot> changes = new CopyOnWriteArrayList<>();
  final GuestSockets sockets =
      new GuestSockets() {
        @Override
        public List<String> runningDomains() {
          return List.copyOf(socketsByVm.keySet());
        }

        @Override
        public Optional<Path> controlSocket(String vmUuid) {
          return Optional.ofNullable(socketsByVm.get(vmUuid));
        }
      };
  GuestChannels channels;
  FakeGuest guest;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("guest-ch");
    guest = new FakeGuest(dir.resolve("g1.sock"), BEAT);
    socketsByVm.put(VM, guest.socket());
    channels = newChannels();
  }

  @AfterEach
  void tearDown() throws IOException {
    channels.close();
    guest.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  private GuestChannels newChannels() {
    return new GuestChannels(sockets, FAST, Clock.systemUTC(), "0.2.0-test", changes::add);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  private GuestSnapshot ready() throws Exception {
    guest.listen();
    channels.scan();
    await(
        "the guest is connected with its facts",
        () ->
            channels.state(VM).responsive() && channels.state(VM).facts().hostname().equals("vm1"));
    return channels.state(VM);
  }

  private static PortholeStatus failure(java.util.concurrent.Future<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return ((AgentException) e.getCause()).status();
    }
    throw new AssertionError("the command did not fail");
  }

  private static String failureText(java.util.concurrent.Future<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    }
    throw new AssertionError("the command did not fail");
  }

  @Test
  void initialScanConnectsSaysHelloAndPullsTheGuestsState() throws Exception {
    GuestSnapshot s = ready();
    Message.Hello hostHello = guest.next(Message.Hello.class, 1000);
    assertThat(hostHello.versions()).isEqualTo(VersionRange.V1);
    assertThat(hostHello.agent()).isEqualTo("porthole-host-agent");
    assertThat(hostHello.answer()).isFalse();
    assertThat(s.connected()).isTrue();
    assertThat(s.protocolVersion()).isEqualTo(1);
    assertThat(s.agentVersion()).isEqualTo("0.1.0-test");
    assertThat(s.instance()).isEqualTo(guest.instance());
    assertThat(s.facts().osName()).isEqualTo("Debian GNU/Linux");
    assertThat(s.facts().ips()).containsExactly("192.0.2.10");
    assertThat(s.facts().users()).containsExactly("alice");
    assertThat(s.session()).isEqualTo(GuestSnapshot.Session.UNLOCKED);
    assertThat(s.lastMessageAt()).isPresent();
    assertThat(changes).isNotEmpty();
    assertThat(changes.get(changes.size() - 1).facts().users()).containsExactly("alice");
  }

  @Test
  void guestThatSpeaksFirstIsAnsweredOnceAndNegotiated() throws Exception {
    guest.helloFirst(true);
    GuestSnapshot s = ready();
    assertThat(s.protocolVersion()).isEqualTo(1);
    Message.Hello first = guest.next(Message.Hello.class, 1000);
    Message.Hello second = guest.next(Message.Hello.class, 1000);
    assertThat(List.of(first.answer(), second.answer())).containsExactlyInAnyOrder(false, true);
  }

  @Test
  void newerGuestStepsDownToVersionOne() throws Exception {
    guest.versions(new VersionRange(1, 3));
    GuestSnapshot s = ready();
    assertThat(s.protocolVersion()).isEqualTo(1);
  }

  @Test
  void olderGuestRangeMeetsOursAtVersionOne() throws Exception {
    guest.versions(new VersionRange(0, 1));
    guest.helloFirst(true);
    GuestSnapshot s = ready();
    assertThat(s.protocolVersion()).isEqualTo(1);
  }

  @Test
  void guestWithoutACommonVersionIsRefusedAndTriedAgainLater() throws Exception {
    guest.versions(new VersionRange(2, 3));
    guest.helloFirst(true);
    guest.listen();
    channels.scan();
    Message.ErrorReply refusal = guest.next(Message.ErrorReply.class, 5000);
    assertThat(refusal.code()).isEqualTo("no-common-version");
    assertThat(refusal.id()).isNull();
    await("the host connects again after its back-off", () -> guest.connections() >= 2);
    assertThat(channels.state(VM).connected()).isFalse();
    assertThat(channels.state(VM).responsive()).isFalse();
  }

  @Test
  void missedHeartbeatsMakeTheGuestUnresponsiveAndNeverLocked() throws Exception {
    ready();
    assertThat(
            channels
                .command(VM, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN))
                .get(5, TimeUnit.SECONDS)
                .state()
                .locked())
        .isTrue();
    guest.heartbeats(false);
    await("unresponsive", () -> !channels.state(VM).responsive());
    assertThat(channels.state(VM).session()).isEqualTo(GuestSnapshot.Session.LOCKED);
    assertThat(channels.state(VM).locked()).isFalse();
    guest.heartbeats(true);
    await("responsive again at the next message", () -> channels.state(VM).responsive());
    assertThat(channels.state(VM).locked()).isTrue();
  }

  @Test
  void guestRestartPullsStateAgainAndDoesNotResendAnUnansweredCommand() throws Exception {
    ready();
    int refreshesBefore = countRequests("refresh");
    guest.answer(false);
    var lock = channels.command(VM, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN));
    await("the guest got the request", () -> countRequests("lock-screen") == 1);
    guest.answer(true);
    guest.restart();
    assertThat(failureText(lock)).contains("restarted before replying").contains("not re-sent");
    await("the state is pulled again", () -> countRequests("refresh") > refreshesBefore);
    await(
        "the new instance is known", () -> channels.state(VM).instance().equals(guest.instance()));
    assertThat(countRequests("lock-screen")).isEqualTo(1);
    assertThat(guest.actionsRun()).isZero();
  }

  @Test
  void reconnectToTheSameInstanceResendsTheSameIdAndTheGuestActsOnce() throws Exception {
    ready();
    guest.answer(false);
    var lock = channels.command(VM, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN));
    await("the guest got the request", () -> countRequests("lock-screen") == 1);
    guest.answer(true);
    guest.dropConnection();
    GuestReply reply = lock.get(10, TimeUnit.SECONDS);
    assertThat(reply.session()).isEqualTo(GuestSnapshot.Session.LOCKED);
    List<String> ids =
        guest.requests().stream()
            .filter(r -> r.command().equals("lock-screen"))
            .map(Message.Request::id)
            .toList();
    assertThat(ids).hasSize(2);
    assertThat(ids.get(1)).isEqualTo(ids.get(0));
    assertThat(guest.actionsRun()).isEqualTo(1);
  }

  @Test
  void socketThatGoesAwayIsReconnectedWithBackOff() throws Exception {
    ready();
    guest.vanish();
    await("disconnected", () -> !channels.state(VM).connected());
    assertThat(channels.state(VM).responsive()).isFalse();
    assertThat(
            channels
                .command(VM, GuestCommand.of(GuestCommand.Kind.REFRESH))
                .handle((r, e) -> e)
                .get(5, TimeUnit.SECONDS))
        .isInstanceOf(AgentException.class);
    Thread.sleep(300);
    guest.listen();
    await("reconnected", () -> channels.state(VM).responsive());
    assertThat(guest.connections()).isEqualTo(2);
  }

  @Test
  void domainStartedConnectsAndStoppedDisconnects() throws Exception {
    guest.listen();
    channels.onLifecycle(
        new LifecycleSignal(VM, "vm1", "STARTED", "BOOTED", java.time.Instant.now()));
    await("connected", () -> channels.state(VM).responsive());
    var waiting = sendUnanswered();
    channels.onLifecycle(
        new LifecycleSignal(VM, "vm1", "STOPPED", "SHUTDOWN", java.time.Instant.now()));
    assertThat(failure(waiting)).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
    assertThat(channels.state(VM).channel()).isFalse();
    assertThat(failure(channels.command(VM, GuestCommand.of(GuestCommand.Kind.REFRESH))))
        .isEqualTo(PortholeStatus.CONFLICT);
  }

  /**
   * GuestAgentVmIT's flake: a second "started" for a domain (STARTED then RESUMED after a
   * migration, the initial scan racing the event, a caller's own domainStarted) while the first
   * connect was still queued opened a second socket. QEMU serves one client at a time: the guest
   * answered on the first, orphaned socket while the host waited on the second, for ever. The loop
   * is held so both signals are queued before the first connect runs, as on a cold JVM.
   */
  @Test
  void startedAgainWhileConnectingOpensOneConnectionAndTheGuestIsFollowed() throws Exception {
    guest.listen();
    channels.close();
    EventLoopGroup group = new NioEventLoopGroup(1);
    channels =
        new GuestChannels(sockets, FAST, Clock.systemUTC(), "0.2.0-test", changes::add, group);
    CountDownLatch release = new CountDownLatch(1);
    group.execute(
        () -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    channels.onLifecycle(
        new LifecycleSignal(VM, "vm1", "STARTED", "MIGRATED", java.time.Instant.now()));
    channels.onLifecycle(
        new LifecycleSignal(VM, "vm1", "RESUMED", "MIGRATED", java.time.Instant.now()));
    channels.domainStarted(VM);
    release.countDown();
    await(
        "the guest is followed and its state pulled",
        () ->
            channels.state(VM).responsive() && channels.state(VM).facts().hostname().equals("vm1"));
    assertThat(guest.connections()).as("connections the guest accepted").isEqualTo(1);
  }

  /**
   * A read of the channel's path that began before the domain restarted (the initial scan, a slow
   * libvirt call) finished after the STARTED event had followed the new path: it replaced the live
   * channel with the gone one, and the guest was never followed again.
   */
  @Test
  void slowReadOfTheOldPathDoesNotReplaceTheChannelOfTheNewerStart() throws Exception {
    FakeGuest restarted = new FakeGuest(dir.resolve("g1-restarted.sock"), BEAT).listen();
    CountDownLatch oldReadBegun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    GuestSockets restarting =
        new GuestSockets() {
          @Override
          public List<String> runningDomains() {
            return List.of(VM);
          }

          @Override
          public Optional<Path> controlSocket(String vmUuid) {
            if (reads.incrementAndGet() > 1) {
              return Optional.of(restarted.socket());
            }
            oldReadBegun.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Optional.of(
                guest.socket()); // the first start's path, gone by now (nobody listens)
          }
        };
    channels.close();
    channels = new GuestChannels(restarting, FAST, Clock.systemUTC(), "0.2.0-test", changes::add);
    try {
      Thread scan = new Thread(channels::scan, "slow-scan");
      scan.start();
      assertThat(oldReadBegun.await(5, TimeUnit.SECONDS)).isTrue();
      Thread event =
          new Thread(
              () ->
                  channels.onLifecycle(
                      new LifecycleSignal(VM, "vm1", "STARTED", "BOOTED", java.time.Instant.now())),
              "started-event");
      event.start();
      await(
          "the event has followed the new path or waits for the scan",
          () ->
              event.getState() == Thread.State.TERMINATED
                  || event.getState() == Thread.State.BLOCKED);
      release.countDown();
      scan.join(5000);
      event.join(5000);
      await(
          "the restarted guest is followed",
          () ->
              channels.state(VM).responsive()
                  && channels.state(VM).instance().equals(restarted.instance()));
    } finally {
      release.countDown();
      restarted.close();
    }
  }

  @Test
  void hostAgentRestartIsSeenByTheGuestAndStateIsPulledAgain() throws Exception {
    ready();
    Message.Hello first = guest.next(Message.Hello.class, 1000);
    channels.close();
    channels = newChannels();
    channels.scan();
    Message.Hello second = guest.next(Message.Hello.class, 5000);
    assertThat(second.instance()).isNotEqualTo(first.instance());
    await(
        "state pulled by the new host agent",
        () -> channels.state(VM).facts().hostname().equals("vm1"));
    List<String> ids = guest.requests().stream().map(Message.Request::id).toList();
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void neverAnsweringGuestTimesOutAndTheCommandIsNotResent() throws Exception {
    ready();
    var lock = sendUnanswered();
    assertThat(failureText(lock)).contains("did not reply");
    Thread.sleep(300);
    assertThat(countRequests("lock-screen")).isEqualTo(1);
  }

  @Test
  void oversizedLineIsDroppedReportedAndTheChannelGoesOn() throws Exception {
    ready();
    byte[] big = new byte[1024 * 1024 + 10];
    java.util.Arrays.fill(big, (byte) 'x');
    guest.sendRaw(big);
    guest.sendRaw("\n".getBytes(StandardCharsets.US_ASCII));
    Message.ErrorReply e = guest.next(Message.ErrorReply.class, 5000);
    assertThat(e.code()).isEqualTo("line-too-long");
    assertThat(channels.badMessages(VM)).isEqualTo(1);
    assertThat(
            channels
                .command(VM, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN))
                .get(5, TimeUnit.SECONDS)
                .state()
                .locked())
        .isTrue();
  }

  @Test
  void garbageIsCountedAnsweredAndNeverLogged() throws Exception {
    ready();
    try (LogCapture logs = new LogCapture()) {
      guest.sendRaw("{\"type\":\"ok\",\"id\":SECRET-MARKER\n".getBytes(StandardCharsets.UTF_8));
      guest.sendRaw(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}', '\n'});
      guest.sendRaw("[\"SECRET-MARKER\"]\n".getBytes(StandardCharsets.UTF_8));
      guest.sendRaw("{\"type\":\"SECRET-MARKER\"}\n".getBytes(StandardCharsets.UTF_8));
      guest.sendRaw(
          "{\"type\":\"request\",\"id\":\"SECRET-MARKER\",\"command\":\"x\"}\n"
              .getBytes(StandardCharsets.UTF_8));
      guest.sendRaw(
          "{\"type\":\"error\",\"code\":\"SECRET-MARKER\\n\",\"text\":\"SECRET-MARKER\"}\n"
              .getBytes(StandardCharsets.UTF_8));
      await("five bad lines counted", () -> channels.badMessages(VM) == 5);
      assertThat(
              channels
                  .command(VM, GuestCommand.of(GuestCommand.Kind.REFRESH))
                  .get(5, TimeUnit.SECONDS)
                  .state()
                  .responsive())
          .isTrue();
      assertThat(logs.all()).contains("bad message").doesNotContain("SECRET-MARKER");
    }
    assertThat(
            guest.fromHost().stream()
                .filter(Message.ErrorReply.class::isInstance)
                .map(m -> ((Message.ErrorReply) m).code()))
        .contains("bad-json", "bad-message", "unknown-type", "unknown-command");
  }

  @Test
  void floodingGuestDoesNotStarveAnotherGuest() throws Exception {
    channels.close();
    channels = new GuestChannels(sockets, FLOOD, Clock.systemUTC(), "0.2.0-test", changes::add);
    ready();
    try (FakeGuest quiet = new FakeGuest(dir.resolve("g2.sock"), BEAT)) {
      quiet.listen();
      socketsByVm.put(VM2, quiet.socket());
      channels.domainStarted(VM2);
      await("second guest connected", () -> channels.state(VM2).responsive());
      Thread flood =
          new Thread(
              () -> {
                byte[] lines =
                    "{\"type\":\"heartbeat\",\"seq\":1}\nnot json\n"
                        .repeat(2000)
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                  for (int i = 0; i < 50; i++) {
                    guest.sendRaw(lines);
                  }
                } catch (IOException e) {
                  // the host may drop us; fine
                }
              });
      flood.start();
      long start = System.nanoTime();
      GuestReply r =
          channels
              .command(VM2, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN))
              .get(10, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.state().locked()).isTrue();
      assertThat(tookMs).as("the quiet guest's lock during the flood, ms").isLessThan(5000);
      flood.join(30_000);
      await("flood read", () -> channels.badMessages(VM) >= 100_000);
      assertThat(channels.state(VM).responsive()).isTrue();
      assertThat(changes)
          .as("the quiet guest stayed responsive through the flood")
          .filteredOn(s -> s.vmUuid().equals(VM2) && s.connected() && !s.responsive())
          .isEmpty();
    }
  }

  @Test
  void commandForAnUnknownVmOrABadUuidFailsAtOnce() throws Exception {
    assertThat(failure(channels.command(VM2, GuestCommand.of(GuestCommand.Kind.REFRESH))))
        .isEqualTo(PortholeStatus.CONFLICT);
    assertThat(failure(channels.command("not-a-uuid", GuestCommand.of(GuestCommand.Kind.REFRESH))))
        .isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(channels.state(VM2).channel()).isFalse();
  }

  @Test
  void shutdownArgumentsAreCheckedBeforeSending() {
    assertThatThrownBy(() -> GuestCommand.of(GuestCommand.Kind.SHUTDOWN, 3601, ""))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("delay_seconds");
    assertThatThrownBy(() -> GuestCommand.of(GuestCommand.Kind.REBOOT, 0, "x".repeat(257)))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("message");
  }

  private java.util.concurrent.CompletableFuture<GuestReply> sendUnanswered() throws Exception {
    guest.answer(false);
    var f = channels.command(VM, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN));
    await("the guest got the request", () -> countRequests("lock-screen") >= 1);
    return f;
  }

  private int countRequests(String command) {
    return (int) guest.requests().stream().filter(r -> r.command().equals(command)).count();
  }
}
