package org.porthole.hostagent.grpc;

import io.grpc.stub.StreamObserver;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.sso.SsoRelays;
import org.porthole.status.PortholeStatus;

/**
 * The service's SSO parts, or their refusals on an agent without SSO relays (the relay benchmark's
 * double, tests of console paths).
 */
final class SsoCalls {
  private static final String NO_SSO = "this host agent relays no SSO";

  private final SsoRelays sso;

  /** {@code sso} null: no SSO here. */
  SsoCalls(SsoRelays sso) {
    this.sso = sso;
  }

  StreamObserver<ConsoleFrame> open(StreamObserver<ConsoleFrame> responses) {
    if (sso != null) {
      return sso.open(responses);
    }
    responses.onError(GrpcErrors.of(PortholeStatus.CONFLICT, NO_SSO));
    return new StreamObserver<>() {
      @Override
      public void onNext(ConsoleFrame frame) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  /** The guest's SPN when the SSO channel of {@code vm} can run; CONFLICT naming what is not. */
  String prerequisites(String vm) throws AgentException {
    if (sso == null) {
      throw new AgentException(PortholeStatus.CONFLICT, NO_SSO);
    }
    return sso.prerequisites(vm);
  }

  /** Ends the sessions' SSO streams too (EndConsoles). */
  void endSessions(EndConsolesArgs args) {
    if (sso != null) {
      sso.endSessions(args.vmUuid(), args.sessionIds(), args.status(), args.reason());
    }
  }
}
