package org.porthole.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PortholeStatusTest {

  /** docs/contracts.md, "Status codes": status, HTTP, WebSocket close, gRPC code value. */
  private static final Object[][] TABLE = {
    {PortholeStatus.BAD_REQUEST, 400, 1007, 3},
    {PortholeStatus.TOKEN_REJECTED, 401, 4001, 16},
    {PortholeStatus.SIGN_IN_REQUIRED, 401, 4001, 16},
    {PortholeStatus.ORIGIN_REJECTED, 403, 4003, 7},
    {PortholeStatus.FORBIDDEN, 403, 4003, 7},
    {PortholeStatus.NOT_FOUND, 404, 4004, 5},
    {PortholeStatus.CONFLICT, 409, 4009, 9},
    {PortholeStatus.TOO_LARGE, 413, 1009, 8},
    {PortholeStatus.OVERLOADED, 503, 1013, 8},
    {PortholeStatus.TOO_MANY_REQUESTS, 429, 1013, 8},
    {PortholeStatus.UPSTREAM_UNAVAILABLE, 503, 1014, 14},
    {PortholeStatus.INTERNAL, 500, 1011, 13},
    {PortholeStatus.CLOSED, 200, 1000, 0},
  };

  @Test
  void mapsExactlyAsTheContractTable() {
    assertEquals(PortholeStatus.values().length, TABLE.length);
    for (Object[] row : TABLE) {
      PortholeStatus status = (PortholeStatus) row[0];
      assertEquals(row[1], status.httpStatus(), status + " http");
      assertEquals(row[2], status.webSocketCloseCode(), status + " ws");
      assertEquals(row[3], status.grpcCode(), status + " grpc");
    }
    assertEquals(1003, PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA);
  }

  @Test
  void grpcCodesMapBack() {
    for (PortholeStatus status : PortholeStatus.values()) {
      PortholeStatus expected =
          status == PortholeStatus.ORIGIN_REJECTED
              ? PortholeStatus.FORBIDDEN
              : status == PortholeStatus.SIGN_IN_REQUIRED
                  ? PortholeStatus.TOKEN_REJECTED
                  : status == PortholeStatus.OVERLOADED
                          || status == PortholeStatus.TOO_MANY_REQUESTS
                      ? PortholeStatus.TOO_LARGE
                      : status;
      assertEquals(expected, PortholeStatus.fromGrpcCode(status.grpcCode()), status.name());
    }
  }

  @Test
  void otherGrpcCodesMapToClosestMeaning() {
    assertEquals(PortholeStatus.CLOSED, PortholeStatus.fromGrpcCode(1));
    assertEquals(PortholeStatus.INTERNAL, PortholeStatus.fromGrpcCode(2));
    assertEquals(PortholeStatus.UPSTREAM_UNAVAILABLE, PortholeStatus.fromGrpcCode(4));
    assertEquals(PortholeStatus.CONFLICT, PortholeStatus.fromGrpcCode(6));
    assertEquals(PortholeStatus.CONFLICT, PortholeStatus.fromGrpcCode(10));
    assertEquals(PortholeStatus.BAD_REQUEST, PortholeStatus.fromGrpcCode(11));
    assertEquals(PortholeStatus.INTERNAL, PortholeStatus.fromGrpcCode(12));
    assertEquals(PortholeStatus.INTERNAL, PortholeStatus.fromGrpcCode(15));
    assertEquals(PortholeStatus.INTERNAL, PortholeStatus.fromGrpcCode(-1));
    assertEquals(PortholeStatus.INTERNAL, PortholeStatus.fromGrpcCode(99));
  }
}
