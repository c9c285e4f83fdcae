package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.hostagent.LogCapture;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;

/** The gRPC surface in-process: bad input gets the right status and the server keeps serving. */
class HostAgentServiceTest extends InProcessAgentTest {
  @Test
  void relaysBytesBothWaysToTheVncServer() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("session-1", VM, HOST)), req);
    greet(rec, req.get(0));
    assertSharedClientInits(1);
    byte[] update = {3, 1, 0, 0, 0, 0, 0, 8, 0, 8};
    req.get(0).onNext(data(update));
    assertThat(rec.readBytes(update.length)).isEqualTo(update);
    req.get(0).onNext(close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
    assertThat(rec.lastClose().getStatus()).isEqualTo("CLOSED");
  }

  @Test
  void rejectsDataBeforeOpen() throws Exception {
    RecordingObserver rec = console(data(new byte[] {1, 2, 3}), new ArrayList<>());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rec.lastClose().getStatus()).isEqualTo("BAD_REQUEST");
    assertThat(vnc.connections()).isZero();
  }

  @Test
  void rejectsEmptyFrame() throws Exception {
    RecordingObserver rec = console(ConsoleFrame.getDefaultInstance(), new ArrayList<>());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void rejectsStreamEndedWithoutOpen() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(null, req);
    req.get(0).onCompleted();
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void rejectsStreamThatNeverSendsOpen() throws Exception {
    RecordingObserver rec = console(null, new ArrayList<>());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rec.lastClose().getReason()).contains("no open frame");
  }

  @Test
  void rejectsGarbageToken() throws Exception {
    assertThat(openAndAwait("not.a.token").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(openAndAwait("").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(openAndAwait("x".repeat(10_000)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void rejectsTokenSignedByForeignKey() throws Exception {
    String forged = new TokenMint("engine-key-1").token("s", VM, HOST);
    assertThat(openAndAwait(forged).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(vnc.connections()).isZero();
  }

  @Test
  void rejectsTokenForAnotherHost() throws Exception {
    String token = tokens.token("s", VM, "agent-2.test:9443");
    assertThat(openAndAwait(token).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(vnc.connections()).isZero();
    assertThat(refused)
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo("FORBIDDEN"));
  }

  @Test
  void rejectsTokenForAnotherChannel() throws Exception {
    TokenClaims sso =
        TokenClaims.forHost(HOST).withConsole("s", VM).withSso(TokenClaims.Sso.demo());
    assertThat(openAndAwait(tokens.sign(sso)).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void rejectsTokenIssuedBeforeTheAgentStarted() throws Exception {
    Instant iat = started.minusSeconds(20);
    TokenClaims old = TokenClaims.forHost(HOST).withConsole("s", VM).issuedAt(iat, 110);
    assertThat(openAndAwait(tokens.sign(old)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void rejectsTokenUsedTwice() throws Exception {
    String token = tokens.token("session-1", VM, HOST);
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver first = console(open(token), req);
    assertThat(first.readBytes(RfbClient.BANNER.length)).isEqualTo(RfbClient.BANNER);
    RecordingObserver second = console(open(token), req);
    assertThat(second.awaitStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(second.lastClose().getReason()).contains("already used");
    assertThat(vnc.connections()).isEqualTo(1);
    assertThat(refused)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo("TOKEN_REJECTED");
              assertThat(r.getReason()).contains("already used").doesNotContain(token);
            });
    req.get(0).onNext(close());
    assertThat(first.awaitStatus().isOk()).isTrue();
  }

  @Test
  void rejectsConsoleForStoppedOrUnknownVm() throws Exception {
    assertThat(openAndAwait(tokens.token("s", STOPPED_VM, HOST)).getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    String unknown = UUID.randomUUID().toString();
    assertThat(openAndAwait(tokens.token("s", unknown, HOST)).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void rejectsSecondOpenFrame() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("s", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    req.get(0).onNext(open(tokens.token("s", VM, HOST)));
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void rejectsOversizedDataFrame() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("s", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    req.get(0).onNext(data(new byte[ConsoleRelays.MAX_CHUNK_BYTES + 1]));
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void refusesConsolesBeyondTheCapWithResourceExhaustedInsteadOfQueueing() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    List<RecordingObserver> open = new ArrayList<>();
    for (int i = 0; i < MAX_CONSOLES; i++) {
      RecordingObserver rec =
          console(open(tokens.token("s" + i, i % 2 == 0 ? VM : VM2, HOST)), req);
      rec.readBytes(RfbClient.BANNER.length);
      open.add(rec);
    }
    RecordingObserver extra = console(open(tokens.token("extra", VM2, HOST)), req);
    assertThat(extra.awaitStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(extra.lastClose().getReason()).contains("too many consoles on this host");
    assertThat(extra.lastClose().getStatus()).isEqualTo("OVERLOADED");
    assertThat(vnc.connections() + vnc2.connections()).isEqualTo(MAX_CONSOLES);
    for (int i = 0; i < MAX_CONSOLES; i++) {
      req.get(i).onCompleted();
      assertThat(open.get(i).awaitStatus().isOk()).isTrue();
    }
  }

  @Test
  void refusesConsolesOfOneVmBeyondItsCapBelowQemusClientLimit() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    List<RecordingObserver> open = new ArrayList<>();
    for (int i = 0; i < MAX_PER_VM; i++) {
      RecordingObserver rec = console(open(tokens.token("p" + i, VM, HOST)), req);
      rec.readBytes(RfbClient.BANNER.length);
      open.add(rec);
    }
    RecordingObserver extra = console(open(tokens.token("extra", VM, HOST)), req);
    assertThat(extra.awaitStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(extra.lastClose().getStatus()).isEqualTo("OVERLOADED");
    assertThat(extra.lastClose().getReason())
        .contains("too many consoles on domain " + VM, "at most " + MAX_PER_VM);
    assertThat(vnc.connections()).isEqualTo(MAX_PER_VM);
    List<StreamObserver<ConsoleFrame>> more = new ArrayList<>();
    RecordingObserver otherVm = console(open(tokens.token("other", VM2, HOST)), more);
    otherVm.readBytes(RfbClient.BANNER.length);
    req.get(0).onCompleted();
    open.get(0).awaitStatus();
    awaitTrue(() -> relays.live(VM).size() == MAX_PER_VM - 1);
    RecordingObserver again = console(open(tokens.token("again", VM, HOST)), more);
    assertThat(again.readBytes(RfbClient.BANNER.length))
        .as("a freed place is usable")
        .isEqualTo(RfbClient.BANNER);
    more.addAll(req.subList(1, MAX_PER_VM));
    more.forEach(StreamObserver::onCompleted);
  }

  @Test
  void clientCancelReleasesTheVncConnection() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver rec = console(open(tokens.token("s", VM, HOST)), req);
    rec.readBytes(RfbClient.BANNER.length);
    assertThat(registry.openCount()).isEqualTo(1);
    req.get(0).onError(Status.CANCELLED.asRuntimeException());
    awaitNoOpenRelays();
  }

  @Test
  void listsDomainsWithExposureAndPasswordCapability() {
    List<Domain> domains =
        blocking.listDomains(ListDomainsRequest.getDefaultInstance()).getDomainsList();
    assertThat(domains).hasSize(7);
    Domain exposed =
        domains.stream().filter(d -> d.getUuid().equals(EXPOSED_VM)).findFirst().orElseThrow();
    assertThat(exposed.getGraphics().getExposed()).isTrue();
    assertThat(exposed.getGraphics().getListen()).isEqualTo("0.0.0.0");
    Domain running = domains.stream().filter(d -> d.getUuid().equals(VM)).findFirst().orElseThrow();
    assertThat(running.getGraphics().getPasswordCapable()).isTrue();
    assertThat(running.getGraphics().getExposed()).isFalse();
  }

  @Test
  void getInfoNamesHostAndApiVersions() {
    var info = blocking.getInfo(GetInfoRequest.getDefaultInstance());
    assertThat(info.getApiVersionsList()).containsExactly("porthole.hostagent.v1");
    assertThat(info.getLibvirtVersion()).isEqualTo("9.0.0");
  }

  @Test
  void neverLogsPasswordsOrTokens() throws Exception {
    String token = tokens.token("session-9", VM, HOST);
    try (LogCapture logs = new LogCapture()) {
      List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
      RecordingObserver rec = console(open(token), req);
      rec.readBytes(RfbClient.BANNER.length);
      req.get(0).onNext(close());
      rec.awaitStatus();
      assertThat(openAndAwait(token).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(openAndAwait(token + "x").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      awaitNoOpenRelays();
      assertThat(logs.all())
          .contains("session-9")
          .doesNotContain(tickets.lastSet(VM))
          .doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }
  }

  private static void assertCode(Runnable call, Status.Code code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
