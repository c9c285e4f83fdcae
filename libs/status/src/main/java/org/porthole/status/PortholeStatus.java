package org.porthole.status;

import java.util.Optional;

/**
 * The one status type every edge maps failures through (docs/contracts.md, "Status codes"), so an
 * HTTP handler, a WebSocket endpoint and a gRPC service report the same failure the same way. gRPC
 * codes are the canonical numeric values ({@code io.grpc.Status.Code#value()}), which keeps this
 * library free of gRPC.
 *
 * <p>Where statuses share a WebSocket close code, the first declared is the one a client names when
 * it sees only the code ({@link #fromWebSocketCloseCode}); docs/contracts.md lists the rows in this
 * order, and a test holds the two equal.
 */
public enum PortholeStatus {
  BAD_REQUEST(400, 1007, GrpcCodes.INVALID_ARGUMENT),
  TOKEN_REJECTED(401, 4001, GrpcCodes.UNAUTHENTICATED),
  /** No signed-in user (REST): sign in through Keycloak, or send a bearer token or Negotiate. */
  SIGN_IN_REQUIRED(401, 4001, GrpcCodes.UNAUTHENTICATED),
  FORBIDDEN(403, 4003, GrpcCodes.PERMISSION_DENIED),
  ORIGIN_REJECTED(403, 4003, GrpcCodes.PERMISSION_DENIED),
  NOT_FOUND(404, 4004, GrpcCodes.NOT_FOUND),
  CONFLICT(409, 4009, GrpcCodes.FAILED_PRECONDITION),
  TOO_LARGE(413, 1009, GrpcCodes.RESOURCE_EXHAUSTED),
  /**
   * At capacity (a host agent's console cap): try again later. Carried by name in the agent's close
   * frame; a bare gRPC RESOURCE_EXHAUSTED still reads as {@link #TOO_LARGE}.
   */
  OVERLOADED(503, 1013, GrpcCodes.RESOURCE_EXHAUSTED),
  /**
   * One client asks too much too fast (its cap of unauthenticated WebSocket connections, its
   * console or ticket limits): try again later. Like {@link #OVERLOADED}, close 1013 and a bare
   * gRPC RESOURCE_EXHAUSTED reads as {@link #TOO_LARGE}.
   */
  TOO_MANY_REQUESTS(429, 1013, GrpcCodes.RESOURCE_EXHAUSTED),
  UPSTREAM_UNAVAILABLE(503, 1014, GrpcCodes.UNAVAILABLE),
  INTERNAL(500, 1011, GrpcCodes.INTERNAL),
  /** A normal end; it has no HTTP error code, {@link #httpStatus()} is 200. */
  CLOSED(200, 1000, GrpcCodes.OK);

  /**
   * WebSocket close code for {@link #BAD_REQUEST} when the frame type itself is unsupported (a text
   * frame where only binary is accepted); {@link #webSocketCloseCode()} gives 1007 (invalid
   * payload) for every other bad input.
   */
  public static final int WEBSOCKET_UNSUPPORTED_DATA = 1003;

  private final int httpStatus;
  private final int webSocketCloseCode;
  private final int grpcCode;

  PortholeStatus(int httpStatus, int webSocketCloseCode, int grpcCode) {
    this.httpStatus = httpStatus;
    this.webSocketCloseCode = webSocketCloseCode;
    this.grpcCode = grpcCode;
  }

  /** The HTTP status code. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The WebSocket close code. */
  public int webSocketCloseCode() {
    return webSocketCloseCode;
  }

  /** The canonical gRPC status code value. */
  public int grpcCode() {
    return grpcCode;
  }

  /**
   * The status a client reads from a WebSocket close code: the first status declared with that code
   * ({@link #WEBSOCKET_UNSUPPORTED_DATA} is {@link #BAD_REQUEST}); empty for a code outside the
   * table.
   */
  public static Optional<PortholeStatus> fromWebSocketCloseCode(int code) {
    if (code == WEBSOCKET_UNSUPPORTED_DATA) {
      return Optional.of(BAD_REQUEST);
    }
    for (PortholeStatus status : values()) {
      if (status.webSocketCloseCode == code) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  /**
   * The status for a gRPC code received from a peer. Codes outside the table map to the closest
   * meaning ({@code CANCELLED} → {@link #CLOSED}, {@code DEADLINE_EXCEEDED} → {@link
   * #UPSTREAM_UNAVAILABLE}, {@code ALREADY_EXISTS}/{@code ABORTED} → {@link #CONFLICT}, {@code
   * OUT_OF_RANGE} → {@link #BAD_REQUEST}); {@code PERMISSION_DENIED} is {@link #FORBIDDEN};
   * anything else is {@link #INTERNAL}.
   */
  public static PortholeStatus fromGrpcCode(int code) {
    switch (code) {
      case GrpcCodes.OK:
      case GrpcCodes.CANCELLED:
        return CLOSED;
      case GrpcCodes.INVALID_ARGUMENT:
      case GrpcCodes.OUT_OF_RANGE:
        return BAD_REQUEST;
      case GrpcCodes.UNAUTHENTICATED:
        return TOKEN_REJECTED;
      case GrpcCodes.PERMISSION_DENIED:
        return FORBIDDEN;
      case GrpcCodes.NOT_FOUND:
        return NOT_FOUND;
      case GrpcCodes.FAILED_PRECONDITION:
      case GrpcCodes.ALREADY_EXISTS:
      case GrpcCodes.ABORTED:
        return CONFLICT;
      case GrpcCodes.RESOURCE_EXHAUSTED:
        return TOO_LARGE;
      case GrpcCodes.UNAVAILABLE:
      case GrpcCodes.DEADLINE_EXCEEDED:
        return UPSTREAM_UNAVAILABLE;
      default:
        return INTERNAL;
    }
  }

  /** Canonical gRPC code values (grpc/doc/statuscodes.md). */
  private static final class GrpcCodes {
    static final int OK = 0;
    static final int CANCELLED = 1;
    static final int INVALID_ARGUMENT = 3;
    static final int DEADLINE_EXCEEDED = 4;
    static final int NOT_FOUND = 5;
    static final int ALREADY_EXISTS = 6;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int FAILED_PRECONDITION = 9;
    static final int ABORTED = 10;
    static final int OUT_OF_RANGE = 11;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;
  }
}
