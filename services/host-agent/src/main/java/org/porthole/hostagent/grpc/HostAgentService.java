package org.porthole.hostagent.grpc;

import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.GetGuestStateRequest;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.GuestCommandRequest;
import org.porthole.api.hostagent.v1.GuestCommandResponse;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListConsolesRequest;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.LiveConsole;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestReply;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.RelayedConsole;
import org.porthole.hostagent.sso.SsoRelays;
import org.porthole.status.PortholeStatus;

/**
 * The porthole.hostagent.v1.HostAgent gRPC service: thin adapters from wire messages to the
 * inventory, the tickets and the console relays. Every failure becomes a gRPC status from the
 * status table; nothing a caller sends can end the server.
 */
public final class HostAgentService extends HostAgentGrpc.HostAgentImplBase {
  private static final Logger LOG = Logger.getLogger(HostAgentService.class.getName());

  /** EndConsoles waits at most this long for the guest to confirm a disconnect action. */
  static final long APPLY_TIMEOUT_MS = 5_000;

  private final AgentIdentity identity;
  private final Hypervisor hypervisor;
  private final ConsoleRelays relays;
  private final Guests guests;
  private final ConsolePolicies policies;
  private final DisconnectActions actions;
  private final SsoCalls sso;

  /** A service without guest channels (the relay benchmark's double, tests of console paths). */
  public HostAgentService(AgentIdentity identity, Hypervisor hypervisor, ConsoleRelays relays) {
    this(identity, hypervisor, relays, Guests.NONE, new ConsolePolicies(), null);
  }

  /** {@code actions} null: no disconnect actions here (EndConsoles then applies none). */
  public HostAgentService(
      AgentIdentity identity,
      Hypervisor hypervisor,
      ConsoleRelays relays,
      Guests guests,
      ConsolePolicies policies,
      DisconnectActions actions) {
    this(identity, hypervisor, relays, guests, policies, actions, null);
  }

  /** {@code sso} null: no SSO channels here (OpenSso and PrepareConsole with sso are refused). */
  public HostAgentService(
      AgentIdentity identity,
      Hypervisor hypervisor,
      ConsoleRelays relays,
      Guests guests,
      ConsolePolicies policies,
      DisconnectActions actions,
      SsoRelays sso) {
    this.sso = new SsoCalls(sso);
    this.guests = guests;
    this.policies = policies;
    this.actions = actions;
    this.identity = identity;
    this.hypervisor = hypervisor;
    this.relays = relays;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> responses) {
    respond(
        responses,
        () ->
            AgentInfo.newBuilder()
                .setHostId(identity.hostId())
                .setHostname(identity.hostname())
                .setAgentVersion(identity.agentVersion())
                .addAllApiVersions(AgentIdentity.API_VERSIONS)
                .setHypervisorUri(hypervisor.uri())
                .setLibvirtVersion(hypervisor.libvirtVersion())
                .build());
  }

  @Override
  public void listDomains(
      ListDomainsRequest request, StreamObserver<ListDomainsResponse> responses) {
    respond(
        responses,
        () -> {
          ListDomainsResponse.Builder b = ListDomainsResponse.newBuilder();
          for (DomainView d : hypervisor.listDomains()) {
            b.addDomains(DomainMapping.toProto(d));
          }
          return b.build();
        });
  }

  @Override
  public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responses) {
    return relays.open(responses);
  }

  /** The SSO channel of a console session (docs/sso-protocol.md); ws-proxy only. */
  @Override
  public StreamObserver<ConsoleFrame> openSso(StreamObserver<ConsoleFrame> responses) {
    return sso.open(responses);
  }

  /**
   * Checks that a console of the session can open on the domain now; sets no password. With {@code
   * sso}, also that the SSO channel can run, and answers the guest's SPN.
   */
  @Override
  public void prepareConsole(
      PrepareConsoleRequest request, StreamObserver<PrepareConsoleResponse> responses) {
    respond(
        responses,
        () -> {
          PrepareConsoleArgs args = PrepareConsoleArgs.from(request);
          DomainView vm =
              hypervisor
                  .findDomain(args.vmUuid())
                  .orElseThrow(
                      () ->
                          new AgentException(
                              PortholeStatus.NOT_FOUND, "no domain " + args.vmUuid()));
          args.check(vm);
          String spn = args.sso() ? sso.prerequisites(args.vmUuid()) : "";
          Instant until = Clock.systemUTC().instant().plusSeconds(args.validSeconds());
          LOG.log(
              Level.INFO,
              "console of session {0} on domain {1} prepared ({2})",
              new Object[] {
                args.sessionId(),
                args.vmUuid(),
                (args.viewOnly() ? "view" : "interactive") + (args.sso() ? ", sso" : "")
              });
          return PrepareConsoleResponse.newBuilder()
              .setValidUntilEpochMs(until.toEpochMilli())
              .setGuestSpn(spn)
              .build();
        });
  }

  /** The consoles relayed now (QEMU accepted them and they have not ended). */
  @Override
  public void listConsoles(
      ListConsolesRequest request, StreamObserver<ListConsolesResponse> responses) {
    respond(
        responses,
        () -> {
          String vm = request.getVmUuid().isEmpty() ? "" : DomainUuid.require(request.getVmUuid());
          ListConsolesResponse.Builder b =
              ListConsolesResponse.newBuilder()
                  .setAgentStartedEpochMs(identity.startedAt().toEpochMilli());
          for (RelayedConsole c : relays.live(vm)) {
            b.addConsoles(
                LiveConsole.newBuilder()
                    .setSessionId(c.sessionId())
                    .setVmUuid(c.vmUuid())
                    .setUser(c.user())
                    .setMode(
                        c.viewOnly() ? PrepareConsoleArgs.VIEW : PrepareConsoleArgs.INTERACTIVE)
                    .setOpenedAtEpochMs(c.authenticatedAt().toEpochMilli())
                    .setClientAddress(c.clientAddress()));
          }
          return b.build();
        });
  }

  /**
   * Ends consoles the engine no longer allows: the relays end and their tokens stay refused (see
   * {@link ConsoleRelays#endSessions}). With {@code apply_disconnect_action}, when an interactive
   * console QEMU had accepted was ended or the VM's grace is still pending (the holder's console
   * dropped before), the VM's disconnect action runs at once and the answer waits for the guest's
   * reply (at most {@value #APPLY_TIMEOUT_MS} ms), so a takeover's new holder never sees the old
   * desktop.
   */
  @Override
  public void endConsoles(
      EndConsolesRequest request, StreamObserver<EndConsolesResponse> responses) {
    EndConsolesArgs args;
    EndConsolesResponse.Builder answer;
    boolean interactiveEnded;
    try {
      args = EndConsolesArgs.from(request);
      List<RelayedConsole> ended =
          relays.endSessions(args.vmUuid(), args.sessionIds(), args.status(), args.reason());
      interactiveEnded = ended.stream().anyMatch(c -> !c.viewOnly() && c.authenticated());
      sso.endSessions(args);
      LOG.log(
          Level.INFO,
          "ended {0} consoles of sessions {1} on domain {2} ({3})",
          new Object[] {ended.size(), args.sessionIds(), args.vmUuid(), args.status()});
      answer = EndConsolesResponse.newBuilder().setEndedRelays(ended.size());
    } catch (AgentException e) {
      responses.onError(GrpcErrors.of(e));
      return;
    }
    if (!request.getApplyDisconnectAction()) {
      reply(responses, answer.build());
      return;
    }
    applied(args.vmUuid(), interactiveEnded)
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                answer.setDisconnectActionDetail("the disconnect action failed");
              } else {
                if (outcome.action() != null) {
                  answer.setDisconnectAction(GuestMapping.toProto(outcome.action()));
                }
                answer
                    .setDisconnectActionConfirmed(outcome.confirmed())
                    .setDisconnectActionDetail(outcome.reason());
              }
              reply(responses, answer.build());
            });
  }

  private CompletableFuture<DisconnectActions.Outcome> applied(
      String vm, boolean interactiveEnded) {
    if (actions == null) {
      return CompletableFuture.completedFuture(
          new DisconnectActions.Outcome(null, false, "this host agent runs no disconnect actions"));
    }
    if (!interactiveEnded && !actions.waiting(vm)) {
      return CompletableFuture.completedFuture(
          new DisconnectActions.Outcome(
              null, false, "no interactive console was ended; nothing applied"));
    }
    DisconnectActions.Outcome late =
        new DisconnectActions.Outcome(
            policies.get(vm).action(),
            false,
            DisconnectActions.UNRESPONSIVE + ": no reply within " + APPLY_TIMEOUT_MS + " ms");
    return actions.applyNow(vm).completeOnTimeout(late, APPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static <T> void reply(StreamObserver<T> responses, T value) {
    responses.onNext(value);
    responses.onCompleted();
  }

  @Override
  public void getGuestState(GetGuestStateRequest request, StreamObserver<GuestState> responses) {
    respond(
        responses,
        () -> GuestMapping.toProto(guests.state(DomainUuid.require(request.getVmUuid()))));
  }

  /**
   * Answers when the guest replies (or the command fails); no call thread waits meanwhile. The
   * guest's error text is not passed on (guest input): only its code.
   */
  @Override
  public void guestCommand(
      GuestCommandRequest request, StreamObserver<GuestCommandResponse> responses) {
    String vm;
    GuestCommand command;
    try {
      vm = DomainUuid.require(request.getVmUuid());
      GuestCommand.Kind kind = GuestMapping.fromProto(request.getCommand());
      if (kind == null) {
        throw new AgentException(
            PortholeStatus.BAD_REQUEST,
            "command must be lock-screen, log-off, shutdown, reboot or refresh");
      }
      command = GuestCommand.of(kind, request.getDelaySeconds(), request.getMessage());
    } catch (AgentException e) {
      responses.onError(GrpcErrors.of(e));
      return;
    }
    LOG.log(Level.INFO, "guest command {0} for domain {1}", new Object[] {command.kind(), vm});
    guests
        .command(vm, command)
        .whenComplete(
            (reply, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                responses.onError(
                    cause instanceof AgentException a
                        ? GrpcErrors.of(a)
                        : GrpcErrors.of(PortholeStatus.INTERNAL, "internal error"));
                return;
              }
              responses.onNext(commandResponse(reply));
              responses.onCompleted();
            });
  }

  @Override
  public void setConsolePolicy(
      SetConsolePolicyRequest request, StreamObserver<ConsolePolicy> responses) {
    respond(
        responses,
        () -> {
          String vm = DomainUuid.require(request.getVmUuid());
          org.porthole.hostagent.guest.ConsolePolicy p =
              org.porthole.hostagent.guest.ConsolePolicy.of(
                  GuestMapping.fromProto(request.getDisconnectAction()),
                  request.getGraceMs(),
                  request.getReconnectWindowS());
          String returning = GuestMapping.returningUser(request.getReturningUser());
          int returnWaitMs = GuestMapping.returnWaitMs(request.getReturnWaitMs());
          policies.set(vm, p);
          LOG.log(
              Level.INFO,
              "console policy of domain {0}: {1} after {2} ms, reconnect window {3} s",
              new Object[] {vm, p.action(), p.graceMs(), p.reconnectWindowSeconds()});
          if (!returning.isEmpty() && actions != null) {
            actions.awaitReturn(vm, returning, returnWaitMs);
          }
          return GuestMapping.toProto(vm, p);
        });
  }

  private static GuestCommandResponse commandResponse(GuestReply reply) {
    GuestCommandResponse.Builder b =
        GuestCommandResponse.newBuilder()
            .setSession(
                GuestMapping.toProto(
                    reply.session() == GuestSnapshot.Session.UNKNOWN
                        ? reply.state().session()
                        : reply.session()))
            .setState(GuestMapping.toProto(reply.state()));
    if (reply.result().get("delay") instanceof BigDecimal d) {
      // guest input: clamped to the protocol's range
      b.setDelaySeconds(
          d.max(BigDecimal.ZERO)
              .min(BigDecimal.valueOf(GuestCommand.MAX_DELAY_SECONDS))
              .intValue());
    }
    return b.build();
  }

  private static <T> void respond(StreamObserver<T> responses, Call<T> call) {
    T value;
    try {
      value = call.run();
    } catch (AgentException e) {
      responses.onError(GrpcErrors.of(e));
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "unexpected failure in a host agent call", e);
      responses.onError(GrpcErrors.of(PortholeStatus.INTERNAL, "internal error"));
      return;
    }
    responses.onNext(value);
    responses.onCompleted();
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws AgentException;
  }
}
