package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.hostagent.TestBytes.bytes;
import static org.porthole.hostagent.TestBytes.concat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * View-only consoles and EndConsoles through the gRPC service: the fake VNC server echoes what
 * reached "QEMU", so a test reads back exactly the bytes the relay let through.
 */
class ConsoleControlTest extends InProcessAgentTest {
  static final byte[] KEY = bytes(4, 1, 0, 0, 0, 0, 0, 'x');
  static final byte[] POINTER = bytes(5, 1, 0, 10, 0, 20);
  static final byte[] CUT_TEXT =
      concat(bytes(6, 0, 0, 0, 0, 0, 0, 3), "pwd".getBytes(StandardCharsets.US_ASCII));
  static final byte[] UPDATE = bytes(3, 1, 0, 0, 0, 0, 0, 64, 0, 48);
  static final byte[] MARKER = bytes(3, 0, 0, 1, 0, 2, 0, 3, 0, 4);

  /** Sends the handshake and the input, then a marker; returns the echo up to the marker. */
  private static byte[] echoOf(
      RecordingObserver rec, StreamObserver<ConsoleFrame> req, byte[] expected) throws Exception {
    assertThat(rec.readBytes(RfbClient.BANNER.length)).isEqualTo(RfbClient.BANNER);
    req.onNext(data(CLIENT_HANDSHAKE));
    req.onNext(data(concat(KEY, UPDATE, POINTER)));
    req.onNext(data(CUT_TEXT));
    req.onNext(data(MARKER));
    // Anything let through that should not have been comes before the marker and shows.
    return rec.readBytes(expected.length + MARKER.length);
  }

  @Test
  void viewOnlyConsoleKeepsKeysPointerAndClipboardFromQemuAndReachesItShared() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.viewToken("viewer-1", VM, HOST)), req);
    byte[] expected = concat(GREETING_REPLY, UPDATE);
    assertThat(echoOf(rec, req.get(0), expected)).isEqualTo(concat(expected, MARKER));
    assertSharedClientInits(1);
    req.get(0).onNext(close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
  }

  /**
   * QEMU's bytes are read into pooled buffers that the next read reuses: a data frame the client
   * has not read yet must still hold its own bytes after the relay read the next chunk, whatever
   * the transport does with the message (the in-process one hands it on by reference), or one
   * keystroke's bytes become the next one's.
   */
  @Test
  void queuedFrameKeepsItsBytesAfterQemusNextRead() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("slow-reader", VM, HOST)), req);
    greet(rec, req.get(0));
    req.get(0).onNext(data(UPDATE));
    rec.awaitFrames(1);
    req.get(0).onNext(data(MARKER));
    rec.awaitFrames(2);
    assertThat(rec.readBytes(UPDATE.length + MARKER.length)).isEqualTo(concat(UPDATE, MARKER));
    req.get(0).onNext(close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
  }

  @Test
  void interactiveConsoleReachesQemuSharedAndPassesEveryLaterByteUnchanged() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("user-1", VM, HOST)), req);
    byte[] expected = concat(GREETING_REPLY, KEY, UPDATE, POINTER, CUT_TEXT);
    assertThat(echoOf(rec, req.get(0), expected)).isEqualTo(concat(expected, MARKER));
    assertSharedClientInits(1);
    req.get(0).onNext(close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
  }

  @Test
  void viewOnlyConsoleEndsOnInputItCannotParse() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.viewToken("viewer-2", VM, HOST)), req);
    greet(rec, req.get(0));
    assertSharedClientInits(1);
    req.get(0).onNext(data(bytes(9, 'h', 'i')));
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rec.lastClose().getStatus()).isEqualTo("BAD_REQUEST");
    assertThat(rec.lastClose().getReason())
        .contains("view-only", "unknown RFB client message type 9");
  }

  /**
   * QEMU ends its VNC clients when its VM leaves by live migration; the console's close says so
   * (the page and porthole-viewer reconnect, and the engine gives them the new host).
   */
  @Test
  void aConsoleQemuEndsWhileItsVmMigratesAwaySaysSo() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver moving = console(open(tokens.token("moving", VM, HOST)), req);
    greet(moving, req.get(0));
    registry.leaving(VM, true);
    vnc.close();
    assertThat(moving.awaitStatus().isOk()).isTrue();
    assertThat(moving.lastClose().getStatus()).isEqualTo("CLOSED");
    assertThat(moving.lastClose().getReason()).contains("moving to another host", "live migration");
  }

  @Test
  void aConsoleQemuEndsOtherwiseSaysQemuClosedIt() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver ended = console(open(tokens.token("stopped", VM, HOST)), req);
    greet(ended, req.get(0));
    vnc.close();
    assertThat(ended.awaitStatus().isOk()).isTrue();
    assertThat(ended.lastClose().getReason()).isEqualTo("the VM's VNC server closed the console");
  }

  private EndConsolesResponse endConsoles(
      String vm, List<String> sessions, String status, String reason) {
    return blocking.endConsoles(
        EndConsolesRequest.newBuilder()
            .setVmUuid(vm)
            .addAllSessionIds(sessions)
            .setStatus(status)
            .setReason(reason)
            .build());
  }

  @Test
  void endConsolesEndsEveryRelayOfTheSessionsAndNoOther() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver first = console(open(tokens.token("revoked", VM, HOST)), req);
    RecordingObserver second = console(open(tokens.viewToken("revoked", VM, HOST)), req);
    RecordingObserver other = console(open(tokens.token("kept", VM, HOST)), req);
    for (RecordingObserver r : List.of(first, second, other)) {
      r.readBytes(RfbClient.BANNER.length);
    }
    EndConsolesResponse r =
        endConsoles(
            VM, List.of("revoked"), "FORBIDDEN", "your console.connect permission was revoked");
    assertThat(r.getEndedRelays()).isEqualTo(2);
    assertThat(r.getTicketExpired()).isFalse();
    for (RecordingObserver ended : List.of(first, second)) {
      assertThat(ended.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(ended.lastClose().getStatus()).isEqualTo("FORBIDDEN");
      assertThat(ended.lastClose().getReason())
          .isEqualTo("your console.connect permission was revoked");
    }
    req.get(2).onNext(data(concat(CLIENT_HANDSHAKE, UPDATE)));
    assertThat(other.readBytes(GREETING_REPLY.length + UPDATE.length))
        .as("another session's console relays on")
        .isEqualTo(concat(GREETING_REPLY, UPDATE));
    req.get(2).onNext(close());
    assertThat(other.awaitStatus().isOk()).isTrue();
  }

  @Test
  void consolesOpeningWhileTheirSessionEndsAreEndedOrRefusedNeverLeftOpen() throws Exception {
    for (int round = 0; round < 20; round++) {
      String session = "racing-" + round;
      List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
      List<RecordingObserver> opening = new ArrayList<>();
      for (int i = 0; i < MAX_PER_VM; i++) {
        opening.add(console(open(tokens.token(session, VM, HOST)), req));
      }
      // The tokens are being verified on the verifier threads while the session ends.
      endConsoles(VM, List.of(session), "FORBIDDEN", "revoked");
      for (RecordingObserver r : opening) {
        assertThat(r.awaitStatus().getCode())
            .as("round " + round)
            .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(r.lastClose().getStatus()).isEqualTo("FORBIDDEN");
      }
      awaitNoOpenRelays();
    }
  }

  @Test
  void takeoverEndsTheOldConsoleWithConflict() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver old = console(open(tokens.token("held", VM, HOST)), req);
    old.readBytes(RfbClient.BANNER.length);
    assertThat(
            endConsoles(VM.toUpperCase(), List.of("held"), "CONFLICT", "taken over by bob")
                .getEndedRelays())
        .isEqualTo(1);
    assertThat(old.awaitStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(old.lastClose().getStatus()).isEqualTo("CONFLICT");
  }

  @Test
  void tokenOfAnEndedSessionIsRefused() throws Exception {
    String later = tokens.token("revoked", VM, HOST);
    endConsoles(VM, List.of("revoked"), "FORBIDDEN", "revoked");
    RecordingObserver rec = console(open(later), new ArrayList<>());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rec.lastClose().getStatus()).isEqualTo("FORBIDDEN");
    assertThat(rec.lastClose().getReason()).contains("revoked", "was ended");
    assertThat(vnc.connections()).as("nothing reached QEMU").isZero();
  }

  @Test
  void endConsolesIsIdempotent() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("twice", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    assertThat(endConsoles(VM, List.of("twice", "twice"), "FORBIDDEN", "").getEndedRelays())
        .isEqualTo(1);
    rec.awaitStatus();
    assertThat(rec.lastClose().getReason()).isEqualTo(EndConsolesArgs.DEFAULT_REASON);
    EndConsolesResponse again = endConsoles(VM, List.of("twice"), "FORBIDDEN", "");
    assertThat(again.getEndedRelays()).isZero();
    assertThat(again.getTicketExpired()).isFalse();
    assertThat(endConsoles(STOPPED_VM, List.of("none"), "FORBIDDEN", "").getEndedRelays())
        .as("a VM without consoles")
        .isZero();
  }

  @Test
  void rejectsBadEndConsolesRequests() {
    String longId = "s".repeat(EndConsolesArgs.MAX_SESSION_ID_CHARS + 1);
    List<String> tooMany = Collections.nCopies(EndConsolesArgs.MAX_SESSIONS + 1, "s");
    assertInvalid(() -> endConsoles("../etc", List.of("s"), "FORBIDDEN", ""), "UUID");
    assertInvalid(() -> endConsoles(VM, List.of(), "FORBIDDEN", ""), "empty");
    assertInvalid(() -> endConsoles(VM, tooMany, "FORBIDDEN", ""), "at most 256");
    assertInvalid(() -> endConsoles(VM, List.of(longId), "FORBIDDEN", ""), "1-64");
    assertInvalid(() -> endConsoles(VM, List.of(""), "FORBIDDEN", ""), "1-64");
    assertInvalid(() -> endConsoles(VM, List.of("a\nb"), "FORBIDDEN", ""), "printable");
    assertInvalid(() -> endConsoles(VM, List.of("s"), "NOPE", ""), "status");
    assertInvalid(() -> endConsoles(VM, List.of("s"), "", ""), "status");
    assertInvalid(() -> endConsoles(VM, List.of("s"), "forbidden", ""), "status");
    assertInvalid(() -> endConsoles(VM, List.of("s"), "FORBIDDEN", "r".repeat(257)), "reason");
  }

  @Test
  void reasonControlCharactersAreReplaced() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("odd", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    endConsoles(VM, List.of("odd"), "FORBIDDEN", "line\none\u001b[2J");
    rec.awaitStatus();
    assertThat(rec.lastClose().getReason()).isEqualTo("line?one?[2J");
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }
}
