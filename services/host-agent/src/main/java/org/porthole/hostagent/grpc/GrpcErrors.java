package org.porthole.hostagent.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/** Maps agent failures to gRPC statuses through the one status table ({@link PortholeStatus}). */
public final class GrpcErrors {
  private GrpcErrors() {}

  public static StatusRuntimeException of(AgentException e) {
    return of(e.status(), e.getMessage());
  }

  public static StatusRuntimeException of(PortholeStatus status, String description) {
    return Status.fromCodeValue(status.grpcCode())
        .withDescription(description)
        .asRuntimeException();
  }
}
