package org.porthole.e2e.chaos;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/** A console open through the stack's ws-proxy and authenticated, and its engine session. */
record OpenConsole(String sessionId, WsClient link) implements AutoCloseable {
  /** FramebufferUpdateRequest, non-incremental, of the 8x8 pixels at the top left. */
  private static final byte[] SMALL_NON_INCREMENTAL_REQUEST = {3, 0, 0, 0, 0, 0, 0, 8, 0, 8};

  /** FramebufferUpdate's type, padding and rectangle count. */
  private static final int UPDATE_HEADER = 4;

  /** Opens a console of {@code vm} for {@code user} in {@code mode}, failing unless it opens. */
  static OpenConsole open(LocalStack stack, EngineClient user, String vm, String mode)
      throws IOException, InterruptedException {
    EngineClient.Ticket ticket = user.ticketWhenFree(vm, mode);
    WsClient link = link(stack, ticket);
    if (!RfbClient.throughPorthole(link).authenticated()) {
      link.close();
      throw new AssertionError("console " + ticket.sessionId() + " did not authenticate");
    }
    return new OpenConsole(ticket.sessionId(), link);
  }

  /**
   * A WebSocket to the ticket's proxy offering its token, as the page would (the stack's engine as
   * Origin); nothing read or written yet.
   */
  static WsClient link(LocalStack stack, EngineClient.Ticket ticket) throws IOException {
    return WsClient.open(
        ticket.proxyUrl(),
        stack.options().engineUrl(),
        List.of("binary", "porthole.token." + ticket.token()));
  }

  /**
   * Fails unless the console still shows the picture: QEMU answers a framebuffer request through
   * the whole path within {@code timeout}. The answer's bytes are counted, not parsed (nothing
   * reads them after authentication).
   */
  void assertShowsPicture(Duration timeout) throws InterruptedException {
    if (!link.isOpen()) {
      throw new AssertionError(
          "console "
              + sessionId
              + " was closed: "
              + link.awaitClose(Duration.ZERO)
              + " "
              + link.closeReason());
    }
    int before = link.receivedCount();
    link.write(SMALL_NON_INCREMENTAL_REQUEST);
    link.awaitBytes(before + UPDATE_HEADER, timeout);
  }

  /** Waits until the engine reports session {@code sessionId} in {@code state}. */
  static void awaitState(EngineClient admin, String sessionId, String state, Duration timeout)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String seen = admin.sessionState(sessionId);
    while (!seen.equals(state) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      seen = stateOrUnknown(admin, sessionId);
    }
    if (!seen.equals(state)) {
      throw new AssertionError(
          "session " + sessionId + " is " + seen + ", expected " + state + " within " + timeout);
    }
  }

  private static String stateOrUnknown(EngineClient admin, String sessionId) {
    try {
      return admin.sessionState(sessionId);
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    link.close();
  }
}
