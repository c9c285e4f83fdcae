package org.porthole.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortholeStatusTest {

  @Test
  void aBareCloseCodeReadsAsTheFirstStatusDeclaredWithIt() {
    assertEquals(Optional.of(PortholeStatus.TOKEN_REJECTED), fromClose(4001));
    assertEquals(Optional.of(PortholeStatus.FORBIDDEN), fromClose(4003));
    assertEquals(Optional.of(PortholeStatus.OVERLOADED), fromClose(1013));
    assertEquals(Optional.of(PortholeStatus.BAD_REQUEST), fromClose(1003));
    assertEquals(Optional.of(PortholeStatus.BAD_REQUEST), fromClose(1007));
    assertEquals(Optional.of(PortholeStatus.CLOSED), fromClose(1000));
    assertEquals(Optional.empty(), fromClose(1006));
    assertEquals(Optional.empty(), fromClose(4242));
    for (PortholeStatus status : PortholeStatus.values()) {
      assertEquals(
          status.webSocketCloseCode(),
          fromClose(status.webSocketCloseCode()).orElseThrow().webSocketCloseCode(),
          status.name());
    }
  }

  private static Optional<PortholeStatus> fromClose(int code) {
    return PortholeStatus.fromWebSocketCloseCode(code);
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
