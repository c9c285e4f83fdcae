package org.porthole.guestagent.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleTestBackendTest {
  @TempDir Path dir;

  @Test
  void writesEachStateToTheConsoleAndReportsIt() throws Exception {
    Path console = dir.resolve("tty0");
    ConsoleTestBackend backend = new ConsoleTestBackend(console, List.of("tester"));
    assertEquals(SessionState.UNLOCKED, backend.state());
    backend.lock();
    assertEquals(SessionState.LOCKED, backend.state());
    assertEquals(List.of("tester"), backend.users());
    backend.logOff();
    assertEquals(SessionState.LOGGED_OFF, backend.state());
    assertEquals(List.of(), backend.users());
    assertEquals(
        List.of("PORTHOLE-GUEST: unlocked", "PORTHOLE-GUEST: locked", "PORTHOLE-GUEST: logged-off"),
        Files.readAllLines(console));
  }
}
