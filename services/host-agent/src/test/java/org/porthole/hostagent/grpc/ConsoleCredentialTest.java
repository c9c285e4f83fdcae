package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.hostagent.TestBytes.bytes;
import static org.porthole.hostagent.TestBytes.concat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ListConsolesRequest;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.LiveConsole;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * The console token is the only credential: the relay authenticates to "QEMU" with a one-time
 * password of its own, expires it at once, and offers its client security None; two consoles of one
 * VM never disturb each other; PrepareConsole and ListConsoles.
 */
class ConsoleCredentialTest extends InProcessAgentTest {

  /** A direct RFB login to the fake QEMU with {@code password}; true when accepted. */
  private boolean directLogin(String password) throws Exception {
    return RfbClient.tryPassword(dir.resolve("vnc.sock"), password);
  }

  @Test
  void viewTokenNeverGivesAPasswordAndTheRelaysOwnNoLongerOpensQemu() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.viewToken("viewer", VM, HOST)), req);
    byte[] seen = concat(rec.readBytes(RfbClient.BANNER.length), greetAfterBanner(rec, req));
    assertThat(seen)
        .as("all the client got: the agent's banner, security None, OK, QEMU's ServerInit")
        .isEqualTo(concat(RfbClient.BANNER, GREETING_REPLY));
    assertThat(vnc.logins()).isEqualTo(1);
    assertThat(tickets.password(VM)).as("expired before the client saw anything").isNull();
    String used = tickets.lastSet(VM);
    assertThat(used).as("the relay set a password of its own").isNotNull();
    assertThat(directLogin(used)).as("a direct login with the relay's password").isFalse();
    assertThat(vnc.refusals()).isEqualTo(1);
    req.get(0).onNext(close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
  }

  private static byte[] greetAfterBanner(
      RecordingObserver rec, List<StreamObserver<ConsoleFrame>> req) throws Exception {
    req.get(0).onNext(data(CLIENT_HANDSHAKE));
    return rec.readBytes(GREETING_REPLY.length);
  }

  @Test
  void consolesOfOneVmOpenedTogetherAllAuthenticate() throws Exception {
    for (int round = 0; round < 10; round++) {
      List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
      List<RecordingObserver> recs = new ArrayList<>();
      for (int i = 0; i < MAX_PER_VM; i++) {
        String session = "r" + round + "-" + i;
        recs.add(
            console(
                open(
                    i % 2 == 0
                        ? tokens.token(session, VM, HOST)
                        : tokens.viewToken(session, VM, HOST)),
                req));
      }
      for (int i = 0; i < recs.size(); i++) {
        assertThat(greet(recs.get(i), req.get(i)))
            .as("round " + round + " console " + i)
            .startsWith(GREETING_REPLY);
      }
      req.forEach(r -> r.onNext(close()));
      for (RecordingObserver r : recs) {
        assertThat(r.awaitStatus().isOk()).isTrue();
      }
      awaitNoOpenRelays();
    }
    assertThat(vnc.refusals()).as("no console's password was replaced by another's").isZero();
    assertThat(vnc.logins()).isEqualTo(10 * MAX_PER_VM);
  }

  @Test
  void clientAskingForVncAuthenticationIsRefusedWithAReason() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("old-viewer", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    req.get(0).onNext(data(concat(RfbClient.BANNER, bytes(2))));
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rec.lastClose().getReason()).contains("None only");
  }

  @Test
  void relayReportsConnectAuthenticateAndEndOfItsOwnSession() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("reported", VM, HOST)), req);
    greet(rec, req.get(0));
    req.get(0).onNext(close());
    rec.awaitStatus();
    awaitTrue(() -> relayEvents.size() == 3);
    assertThat(relayEvents)
        .containsExactly("connected reported", "authenticated reported", "ended reported");
  }

  @Test
  void listConsolesNamesLiveRelaysOnly() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver view = console(open(tokens.viewToken("watching", VM, HOST)), req);
    RecordingObserver typist = console(open(tokens.token("typing", VM2, HOST)), req);
    view.readBytes(RfbClient.BANNER.length);
    typist.readBytes(RfbClient.BANNER.length);
    ListConsolesResponse all = blocking.listConsoles(ListConsolesRequest.getDefaultInstance());
    assertThat(all.getAgentStartedEpochMs()).isEqualTo(started.toEpochMilli());
    assertThat(all.getConsolesList())
        .extracting(LiveConsole::getSessionId)
        .containsExactlyInAnyOrder("watching", "typing");
    LiveConsole w =
        blocking
            .listConsoles(ListConsolesRequest.newBuilder().setVmUuid(VM).build())
            .getConsoles(0);
    assertThat(w.getMode()).isEqualTo("view");
    assertThat(w.getVmUuid()).isEqualTo(VM);
    assertThat(w.getClientAddress()).isEqualTo("192.0.2.7");
    assertThat(w.getOpenedAtEpochMs()).isPositive();
    req.get(0).onNext(close());
    view.awaitStatus();
    awaitTrue(
        () ->
            blocking.listConsoles(ListConsolesRequest.getDefaultInstance()).getConsolesCount()
                == 1);
    req.get(1).onNext(close());
    typist.awaitStatus();
  }

  private static PrepareConsoleRequest prepare(String vm, String mode, boolean allowExposed) {
    return PrepareConsoleRequest.newBuilder()
        .setVmUuid(vm)
        .setSessionId("prep-1")
        .setMode(mode)
        .setValidSeconds(60)
        .setAllowExposed(allowExposed)
        .build();
  }

  @Test
  void prepareConsoleChecksTheDomainAndSetsNoPassword() {
    long before = System.currentTimeMillis();
    assertThat(blocking.prepareConsole(prepare(VM, "view", false)).getValidUntilEpochMs())
        .isBetween(before + 59_000, before + 62_000);
    assertThat(tickets.lastSet(VM)).as("no password set").isNull();
    assertStatus(
        () -> blocking.prepareConsole(prepare(STOPPED_VM, "interactive", false)),
        Status.Code.FAILED_PRECONDITION,
        "not running");
    assertStatus(
        () -> blocking.prepareConsole(prepare(EXPOSED_RUNNING_VM, "interactive", false)),
        Status.Code.FAILED_PRECONDITION,
        "exposed");
    assertThat(
            blocking
                .prepareConsole(prepare(EXPOSED_RUNNING_VM, "interactive", true))
                .getValidUntilEpochMs())
        .as("an admin opted the VM in")
        .isPositive();
    assertStatus(
        () -> blocking.prepareConsole(prepare(NO_PASSWORD_VM, "view", false)),
        Status.Code.FAILED_PRECONDITION,
        "without a VNC password");
    assertStatus(
        () -> blocking.prepareConsole(prepare(VM, "admin", false)),
        Status.Code.INVALID_ARGUMENT,
        "mode");
    assertStatus(
        () ->
            blocking.prepareConsole(
                prepare(VM, "view", false).toBuilder().setValidSeconds(601).build()),
        Status.Code.INVALID_ARGUMENT,
        "valid_seconds");
    assertStatus(
        () ->
            blocking.prepareConsole(
                prepare(VM, "view", false).toBuilder().setSessionId("").build()),
        Status.Code.INVALID_ARGUMENT,
        "session_id");
    assertStatus(
        () ->
            blocking.prepareConsole(prepare("4b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b", "view", false)),
        Status.Code.NOT_FOUND,
        "no domain");
  }

  @Test
  void consoleWaitingForItsTurnEndsCleanlyWhenCancelled() throws Exception {
    CompletableFuture<Void> holding = new CompletableFuture<>();
    turns.enter(VM, t -> holding.whenComplete((v, e) -> t.leave()));
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver waiting = console(open(tokens.token("queued", VM, HOST)), req);
    awaitTrue(() -> turns.queued(VM) == 2); // the holder's turn and the console's, waiting
    req.get(0).onError(Status.CANCELLED.asRuntimeException());
    holding.complete(null);
    awaitNoOpenRelays();
    RecordingObserver next = console(open(tokens.token("after", VM, HOST)), req);
    assertThat(next.readBytes(RfbClient.BANNER.length))
        .as("the VM's turn was released")
        .isEqualTo(RfbClient.BANNER);
    req.get(1).onNext(close());
    assertThat(next.awaitStatus().isOk()).isTrue();
    assertThat(waiting.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
  }
}
