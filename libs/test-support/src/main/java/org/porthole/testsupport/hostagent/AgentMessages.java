package org.porthole.testsupport.hostagent;

import com.google.protobuf.ByteString;
import java.util.UUID;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.Graphics;
import org.porthole.api.hostagent.v1.LiveConsole;

/** Host-agent messages as tests script them: console frames, domains, live consoles. */
public final class AgentMessages {

  private AgentMessages() {}

  /** Fails the call with {@code failure} when there is one; true when it did. */
  static boolean failed(io.grpc.Status failure, io.grpc.stub.StreamObserver<?> response) {
    if (failure == null) {
      return false;
    }
    response.onError(failure.asRuntimeException());
    return true;
  }

  /** Answers a unary call with {@code message}. */
  static <T> void answer(io.grpc.stub.StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }

  /** A console data frame carrying {@code bytes}. */
  public static ConsoleFrame data(byte[] bytes) {
    return ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  /** The agent's close frame with a status name of docs/contracts.md and a reason. */
  public static ConsoleFrame close(String status, String reason) {
    return ConsoleFrame.newBuilder()
        .setClose(ConsoleClose.newBuilder().setStatus(status).setReason(reason))
        .build();
  }

  /** A VNC domain listening on loopback. */
  public static Domain domain(
      String uuid, String name, DomainState state, boolean passwordCapable) {
    return Domain.newBuilder()
        .setUuid(uuid)
        .setName(name)
        .setState(state)
        .setGraphics(
            Graphics.newBuilder()
                .setType("vnc")
                .setListen("127.0.0.1")
                .setPort(5900)
                .setPasswordCapable(passwordCapable))
        .build();
  }

  /**
   * A running, password-capable VNC domain listening on every address: reachable around Porthole.
   */
  public static Domain exposedDomain(String uuid, String name) {
    return Domain.newBuilder()
        .setUuid(uuid)
        .setName(name)
        .setState(DomainState.DOMAIN_STATE_RUNNING)
        .setGraphics(
            Graphics.newBuilder()
                .setType("vnc")
                .setListen("0.0.0.0")
                .setPort(5901)
                .setPasswordCapable(true)
                .setExposed(true))
        .build();
  }

  /** A live interactive relay of {@code sessionId} on {@code vmId}, opened now. */
  public static LiveConsole liveConsole(UUID sessionId, UUID vmId) {
    return LiveConsole.newBuilder()
        .setSessionId(sessionId.toString())
        .setVmUuid(vmId.toString())
        .setMode("interactive")
        .setOpenedAtEpochMs(System.currentTimeMillis())
        .build();
  }
}
