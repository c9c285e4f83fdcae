package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * {@code porthole-viewer connect} on a desktop: a real {@code remote-viewer} on Xvfb, keys typed
 * into its window with {@code xdotool} reaching the guest (its serial log echoes typed lines), a
 * view-only viewer's keys never reaching it, the session connected at the engine with its story in
 * the audit, and a screenshot of the window attached to the test report.
 */
class NativeViewerDesktopIT {
  private static final String TYPED = "porthole-demo: typed ";
  private static final Duration CONNECT = Duration.ofSeconds(90);
  private static final Duration ECHO = Duration.ofSeconds(20);
  private static final int TYPING_TRIES = 3;
  private static final Path REPORTS =
      Path.of(System.getProperty("porthole.repo", ".."), "e2e/target/failsafe-reports");

  private static LocalStack stack;
  private static VirtualDisplay display;

  @TempDir static Path home;

  @BeforeAll
  static void startDesktop() throws Exception {
    stack = SharedStack.get();
    display = VirtualDisplay.start(home.resolve("xvfb"));
  }

  @AfterAll
  static void stopDesktop() {
    if (display != null) {
      display.close();
    }
  }

  @Test
  void keysTypedIntoRemoteViewerReachTheGuestAndAViewOnlyViewersNever() throws Exception {
    EngineClient alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    EngineClient admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    admin.awaitHeldOnlyBy(stack.demoVmUuid(), "alice");
    Map<String, String> desktop = NativeViewer.kinit(stack, home, "alice");
    desktop.put("DISPLAY", display.display());

    String watched = "viewonly" + digits();
    String typed = "nativetyped" + digits();
    String session;
    try (NativeViewer watcher =
        NativeViewer.start(desktop, "connect", "--view", stack.demoVmUuid())) {
      watcher.await("connected to .* view\\)", CONNECT);
      // The watcher types first: had its keys reached the guest, they would be echoed before
      // the typist's line.
      display.type(display.awaitWindow(watcher, "Porthole", CONNECT), watched);
      session = typeInteractively(alice, admin, desktop, typed, watched);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!auditKinds(admin, session).contains("console.disconnected")
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
    }
    assertThat(auditKinds(admin, session))
        .as("the audit tells the closed session's story")
        .contains("console.ticket-issued", "console.connected", "console.disconnected");
  }

  /** Types {@code typed} into an interactive viewer's window; answers its session id. */
  private String typeInteractively(
      EngineClient alice,
      EngineClient admin,
      Map<String, String> desktop,
      String typed,
      String watched)
      throws Exception {
    try (NativeViewer viewer = NativeViewer.start(desktop, "connect", stack.demoVmUuid())) {
      String session =
          viewer.await("connected to .* \\(session (\\S+), interactive\\)", CONNECT).group(1);
      String window = display.awaitWindow(viewer, "Porthole", CONNECT);
      boolean echoed = false;
      for (int i = 0; i < TYPING_TRIES && !echoed; i++) {
        display.type(window, typed);
        echoed = awaitSerial(TYPED + typed);
      }
      assertThat(echoed).as("the line typed in remote-viewer reached the guest").isTrue();
      assertThat(serial())
          .as("the view-only viewer's keys never reached it")
          .doesNotContain(watched);

      Path png = REPORTS.resolve("NativeViewerDesktopIT-remote-viewer.png");
      long lit = display.screenshot(png);
      System.out.println("[[ATTACHMENT|" + png.toAbsolutePath() + "]]");
      assertThat(lit).as("remote-viewer drew the console on the display").isPositive();

      assertThat(alice.sessionState(session)).isEqualTo("connected");
      Set<String> kinds = auditKinds(admin, session);
      assertThat(kinds).contains("console.ticket-issued", "console.connected");

      return session;
    }
  }

  private static Set<String> auditKinds(EngineClient admin, String session) throws IOException {
    Set<String> kinds = new HashSet<>();
    for (JsonNode e : admin.json("/audit?session=" + session)) {
      kinds.add(e.path("kind").asText());
    }
    return kinds;
  }

  private static boolean awaitSerial(String line) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(ECHO);
    while (Instant.now().isBefore(deadline)) {
      if (serial().contains(line)) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static String serial() throws IOException {
    Path log = DemoVm.serialLog(stack.options().demoVmName());
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }

  private static String digits() {
    return Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
  }
}
