package org.porthole.hostagent.sso;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.status.PortholeStatus;

/**
 * The frames an SSO stream sends its client, serialized (data from the port's loop, the close from
 * whichever path ended the stream): data while open, then one {@code close{status, reason}} and the
 * call's end with the status's gRPC code.
 */
final class SsoReplies {
  private final ServerCallStreamObserver<ConsoleFrame> call;
  private boolean ended;

  SsoReplies(ServerCallStreamObserver<ConsoleFrame> call) {
    this.call = call;
  }

  /** Sends {@code data}; false when the call is gone (cancelled). */
  synchronized boolean data(ByteString data) {
    if (ended) {
      return true;
    }
    try {
      call.onNext(ConsoleFrame.newBuilder().setData(data).build());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Sends the close frame and ends the call; nothing is sent after it. */
  synchronized void close(PortholeStatus status, String reason) {
    if (ended) {
      return;
    }
    ended = true;
    ConsoleFrame close =
        ConsoleFrame.newBuilder()
            .setClose(ConsoleClose.newBuilder().setStatus(status.name()).setReason(reason))
            .build();
    try {
      call.onNext(close);
      if (status == PortholeStatus.CLOSED) {
        call.onCompleted();
      } else {
        call.onError(
            Status.fromCodeValue(status.grpcCode()).withDescription(reason).asRuntimeException());
      }
    } catch (RuntimeException e) {
      // cancelled meanwhile: nobody is left to tell
    }
  }

  /** After the client went away: send nothing more. */
  synchronized void abandon() {
    ended = true;
  }
}
