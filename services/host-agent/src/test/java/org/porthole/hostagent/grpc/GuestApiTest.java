package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.GetGuestStateRequest;
import org.porthole.api.hostagent.v1.GuestCommandKind;
import org.porthole.api.hostagent.v1.GuestCommandRequest;
import org.porthole.api.hostagent.v1.GuestCommandResponse;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestReply;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayedConsole;
import org.porthole.status.PortholeStatus;

/** GetGuestState, GuestCommand and SetConsolePolicy in-process, statuses from the one table. */
class GuestApiTest {
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  final List<GuestCommand> sent = new CopyOnWriteArrayList<>();
  volatile CompletableFuture<GuestReply> next;
  final GuestSnapshot locked =
      new GuestSnapshot(
          VM,
          true,
          true,
          true,
          "porthole-guest-agent",
          "0.1.0",
          1,
          Optional.of(Instant.ofEpochMilli(5000)),
          new GuestSnapshot.GuestFacts(
              "Debian GNU/Linux",
              "12",
              "6.1.0",
              "amd64",
              "vm1",
              List.of("192.0.2.10"),
              List.of("alice")),
          GuestSnapshot.Session.LOCKED,
          "i-1",
          "host/vm1.example.test@EXAMPLE.TEST");
  final Guests guests =
      new Guests() {
        @Override
        public GuestSnapshot state(String vmUuid) {
          return vmUuid.equals(VM) ? locked : GuestSnapshot.none(vmUuid);
        }

        @Override
        public CompletableFuture<GuestReply> command(String vmUuid, GuestCommand command) {
          sent.add(command);
          return next;
        }
      };
  final ConsolePolicies policies = new ConsolePolicies();
  Server server;
  ManagedChannel channel;
  HostAgentGrpc.HostAgentBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    FakeHypervisor hypervisor = new FakeHypervisor();
    String name = "guest-api-" + UUID.randomUUID();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new HostAgentService(
                    new AgentIdentity("h:1", "h", "t", "b", Instant.EPOCH),
                    hypervisor,
                    null,
                    guests,
                    policies,
                    null))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = HostAgentGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /**
   * The holder's console dropped (its grace runs) before the engine takes the VM over: the
   * takeover's EndConsoles ends no relay, yet must lock before the new holder connects.
   */
  @Test
  void takeoverAfterTheHoldersConsoleDroppedStillLocksBeforeTheNewHolder() throws Exception {
    policies.set(
        VM,
        org.porthole.hostagent.guest.ConsolePolicy.of(
            org.porthole.hostagent.guest.ConsolePolicy.Action.LOCK_SCREEN, 60_000, 0));
    next = CompletableFuture.completedFuture(new GuestReply(Map.of("session", "locked"), locked));
    ConsoleRelays relays =
        new ConsoleRelays(
            null,
            null,
            null,
            null,
            new ConsoleRelays.RelayLimits(1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            RelayListener.NONE);
    String name = "takeover-" + UUID.randomUUID();
    try (DisconnectActions actions =
        new DisconnectActions(guests, policies, (vm, action, confirmed, reason, state) -> {})) {
      RelayedConsole held =
          new RelayedConsole("held", VM, "alice", false, "192.0.2.7", Instant.now());
      actions.authenticated(held);
      actions.ended(held);
      Server withActions =
          InProcessServerBuilder.forName(name)
              .directExecutor()
              .addService(
                  new HostAgentService(
                      new AgentIdentity("h:1", "h", "t", "b", Instant.EPOCH),
                      new FakeHypervisor(),
                      relays,
                      guests,
                      policies,
                      actions))
              .build()
              .start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
      try {
        EndConsolesResponse r =
            HostAgentGrpc.newBlockingStub(ch)
                .endConsoles(
                    EndConsolesRequest.newBuilder()
                        .setVmUuid(VM.toUpperCase())
                        .addSessionIds("held")
                        .setStatus("CONFLICT")
                        .setReason("taken over by bob")
                        .setApplyDisconnectAction(true)
                        .build());
        assertThat(r.getEndedRelays()).isZero();
        assertThat(r.getDisconnectAction())
            .isEqualTo(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN);
        assertThat(r.getDisconnectActionConfirmed()).isTrue();
        assertThat(sent)
            .extracting(GuestCommand::kind)
            .containsExactly(GuestCommand.Kind.LOCK_SCREEN);
        assertThat(actions.waiting(VM)).as("the grace is taken over, not run again").isFalse();
      } finally {
        ch.shutdownNow();
        withActions.shutdownNow();
      }
    } finally {
      relays.close();
    }
  }

  @Test
  void guestStateIsReportedWithLockedOnlyFromTheGuest() {
    GuestState s =
        stub.getGuestState(GetGuestStateRequest.newBuilder().setVmUuid(VM.toUpperCase()).build());
    assertThat(s.getResponsive()).isTrue();
    assertThat(s.getLocked()).isTrue();
    assertThat(s.getSession()).isEqualTo(GuestSession.GUEST_SESSION_LOCKED);
    assertThat(s.getAgentVersion()).isEqualTo("0.1.0");
    assertThat(s.getProtocolVersion()).isEqualTo(1);
    assertThat(s.getLastHeartbeatEpochMs()).isEqualTo(5000);
    assertThat(s.getOs().getName()).isEqualTo("Debian GNU/Linux");
    assertThat(s.getIpsList()).containsExactly("192.0.2.10");
    assertThat(s.getUsersList()).containsExactly("alice");
    GuestState none =
        stub.getGuestState(
            GetGuestStateRequest.newBuilder()
                .setVmUuid("1c3d9b5f-4a7e-4d2b-8f8c-6e3a2b1d0f9c")
                .build());
    assertThat(none.getChannel()).isFalse();
    assertThat(none.getLocked()).isFalse();
  }

  @Test
  void rejectsGuestStateForANonUuid() {
    assertThatThrownBy(
            () ->
                stub.getGuestState(
                    GetGuestStateRequest.newBuilder().setVmUuid("../../etc").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void commandIsSentAndItsReplyReturned() {
    next = CompletableFuture.completedFuture(new GuestReply(Map.of("session", "locked"), locked));
    GuestCommandResponse r =
        stub.guestCommand(
            GuestCommandRequest.newBuilder()
                .setVmUuid(VM)
                .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_LOCK_SCREEN)
                .build());
    assertThat(r.getSession()).isEqualTo(GuestSession.GUEST_SESSION_LOCKED);
    assertThat(r.getState().getLocked()).isTrue();
    assertThat(sent).extracting(GuestCommand::kind).containsExactly(GuestCommand.Kind.LOCK_SCREEN);
  }

  @Test
  void shutdownCarriesDelayAndMessage() {
    next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("delay", new java.math.BigDecimal(60)), locked));
    GuestCommandResponse r =
        stub.guestCommand(
            GuestCommandRequest.newBuilder()
                .setVmUuid(VM)
                .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_SHUTDOWN)
                .setDelaySeconds(60)
                .setMessage("bye")
                .build());
    assertThat(r.getDelaySeconds()).isEqualTo(60);
    assertThat(sent.get(0).args()).containsEntry("delay", 60).containsEntry("message", "bye");
  }

  @Test
  void unspecifiedCommandAndOutOfRangeArgumentsAreRefusedUnsent() {
    for (GuestCommandRequest bad :
        List.of(
            GuestCommandRequest.newBuilder().setVmUuid(VM).build(),
            GuestCommandRequest.newBuilder().setVmUuid(VM).setCommandValue(99).build(),
            GuestCommandRequest.newBuilder()
                .setVmUuid(VM)
                .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_REBOOT)
                .setDelaySeconds(-1)
                .build(),
            GuestCommandRequest.newBuilder()
                .setVmUuid("x")
                .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_REFRESH)
                .build())) {
      assertThatThrownBy(() -> stub.guestCommand(bad))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    assertThat(sent).isEmpty();
  }

  @Test
  void guestFailuresMapThroughTheStatusTable() {
    next =
        CompletableFuture.failedFuture(
            new AgentException(
                PortholeStatus.UPSTREAM_UNAVAILABLE, "the guest agent did not reply"));
    assertThatThrownBy(
            () ->
                stub.guestCommand(
                    GuestCommandRequest.newBuilder()
                        .setVmUuid(VM)
                        .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_LOG_OFF)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("did not reply");
            });
    next =
        CompletableFuture.failedFuture(new AgentException(PortholeStatus.CONFLICT, "no channel"));
    assertThatThrownBy(
            () ->
                stub.guestCommand(
                    GuestCommandRequest.newBuilder()
                        .setVmUuid(VM)
                        .setCommand(GuestCommandKind.GUEST_COMMAND_KIND_REFRESH)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
  }

  @Test
  void consolePolicyIsKeptPerVmAndValidated() {
    ConsolePolicy p =
        stub.setConsolePolicy(
            SetConsolePolicyRequest.newBuilder()
                .setVmUuid(VM)
                .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_LOG_OFF)
                .setGraceMs(500)
                .setReconnectWindowS(0)
                .build());
    assertThat(p.getDisconnectAction()).isEqualTo(DisconnectAction.DISCONNECT_ACTION_LOG_OFF);
    assertThat(policies.get(VM).action())
        .isEqualTo(org.porthole.hostagent.guest.ConsolePolicy.Action.LOG_OFF);
    assertThat(policies.get(VM).graceMs()).isEqualTo(500);
    for (SetConsolePolicyRequest bad :
        List.of(
            SetConsolePolicyRequest.newBuilder().setVmUuid(VM).setGraceMs(10).build(),
            SetConsolePolicyRequest.newBuilder()
                .setVmUuid(VM)
                .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_NONE)
                .setGraceMs(-1)
                .build(),
            SetConsolePolicyRequest.newBuilder()
                .setVmUuid(VM)
                .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_NONE)
                .setReconnectWindowS(601)
                .build())) {
      assertThatThrownBy(() -> stub.setConsolePolicy(bad))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    assertThat(policies.get(VM).graceMs()).isEqualTo(500);
  }

  @Test
  void aMigratedConsolesUserIsAwaitedAndABadOneRefusedBeforeThePolicyChanges() throws Exception {
    String name = "returning-" + UUID.randomUUID();
    try (DisconnectActions actions =
        new DisconnectActions(guests, policies, (vm, action, confirmed, reason, state) -> {})) {
      Server withActions =
          InProcessServerBuilder.forName(name)
              .directExecutor()
              .addService(
                  new HostAgentService(
                      new AgentIdentity("h:1", "h", "t", "b", Instant.EPOCH),
                      new FakeHypervisor(),
                      null,
                      guests,
                      policies,
                      actions))
              .build()
              .start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
      try {
        HostAgentGrpc.HostAgentBlockingStub agent = HostAgentGrpc.newBlockingStub(ch);
        SetConsolePolicyRequest.Builder lock =
            SetConsolePolicyRequest.newBuilder()
                .setVmUuid(VM)
                .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN)
                .setGraceMs(100)
                .setReconnectWindowS(120);
        for (SetConsolePolicyRequest bad :
            List.of(
                lock.clone().setGraceMs(700).setReturningUser("al\nice").build(),
                lock.clone().setGraceMs(700).setReturningUser("x".repeat(257)).build(),
                lock.clone()
                    .setGraceMs(700)
                    .setReturningUser("alice")
                    .setReturnWaitMs(60_001)
                    .build())) {
          assertThatThrownBy(() -> agent.setConsolePolicy(bad))
              .isInstanceOfSatisfying(
                  StatusRuntimeException.class,
                  e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
          assertThat(policies.get(VM).graceMs()).as("policy unchanged").isNotEqualTo(700);
        }
        assertThat(actions.waiting(VM)).isFalse();

        agent.setConsolePolicy(
            lock.clone().setReturningUser("alice").setReturnWaitMs(15_000).build());
        assertThat(actions.waiting(VM)).as("the grace for alice runs").isTrue();
        actions.authenticated(
            new RelayedConsole("back", VM, "alice", false, "192.0.2.7", Instant.now()));
        assertThat(actions.waiting(VM)).as("alice is back").isFalse();
      } finally {
        ch.shutdownNow();
        withActions.shutdownNow();
      }
    }
  }
}
