package org.porthole.guestagent.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.guestagent.desktop.ConsoleLines;
import org.porthole.guestagent.desktop.ProcessRunner;

/** The test image's probe lines, byte for byte as the end-to-end tests read them. */
class CcacheProbeTest {
  private static final String SECRET = "THIS-IS-KEY-MATERIAL";
  private static final String KLIST =
      "Ticket cache: FILE:/tmp/krb5cc_1000\n"
          + "Default principal: alice@PORTHOLE.TEST\n"
          + "\n"
          + "Valid starting       Expires              Service principal\n"
          + "12/07/26 01:00:00  12/07/26 11:00:00  krbtgt/PORTHOLE.TEST@PORTHOLE.TEST\n"
          + "\tFlags: FfT\n";

  @TempDir Path dir;
  private Path console;
  private Path caches;
  private final List<List<String>> commands = new ArrayList<>();
  private CcacheProbe probe;
  private int uid;

  @BeforeEach
  void setUp() throws IOException {
    console = dir.resolve("console");
    caches = Files.createDirectories(dir.resolve("tmp"));
    uid = (Integer) Files.getAttribute(dir, "unix:uid");
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"), "alice:x:" + uid + ":" + uid + ":Alice:/home/alice:/bin/sh\n");
    ProcessRunner runner =
        (command, timeout) -> {
          commands.add(command);
          return new ProcessRunner.Result(0, KLIST);
        };
    probe =
        new CcacheProbe(
            new ConsoleLines(console),
            new LocalUsers(passwd),
            caches,
            runner,
            Duration.ofSeconds(5));
  }

  @Test
  void printsTheFingerprintBeforeAndAfter() throws IOException {
    SsoRunner.Begin begin = new SsoRunner.Begin("sid-1", "n".repeat(22), "alice@PORTHOLE.TEST");
    probe.begun(begin);
    Path cache = cache("krb5cc_" + uid, 1_765_000_000_123L);
    probe.ended(begin, ok("alice"));
    List<String> lines = lines();
    assertEquals("PORTHOLE-GUEST: sso-begin sid-1 caches=none", lines.get(0));
    assertEquals(
        "PORTHOLE-GUEST: sso-end sid-1 ok code=- delegated=true caches=krb5cc_"
            + uid
            + ":600:alice:"
            + Files.size(cache)
            + ":1765000000123",
        lines.get(1));
  }

  @Test
  void runsKlistAsTheUserOnlyAfterASignIn() throws IOException {
    SsoRunner.Begin begin = new SsoRunner.Begin("sid-2", "n".repeat(22), "alice@PORTHOLE.TEST");
    probe.begun(begin);
    probe.ended(begin, refused("wrong-user"));
    assertTrue(commands.isEmpty(), "no klist after a refusal");
    assertEquals(
        List.of(
            "PORTHOLE-GUEST: sso-begin sid-2 caches=none",
            "PORTHOLE-GUEST: sso-end sid-2 refused code=wrong-user delegated=- caches=none"),
        lines());

    probe.ended(begin, ok("alice"));
    assertEquals(
        List.of(List.of("/bin/su", "-s", "/bin/sh", "alice", "-c", "klist -f 2>&1")), commands);
    List<String> lines = lines();
    assertEquals(
        List.of(
            "PORTHOLE-GUEST: sso-end sid-2 ok code=- delegated=true caches=none",
            "PORTHOLE-GUEST: klist Ticket cache: FILE:/tmp/krb5cc_1000",
            "PORTHOLE-GUEST: klist Default principal: alice@PORTHOLE.TEST",
            "PORTHOLE-GUEST: klist Valid starting       Expires              Service principal",
            "PORTHOLE-GUEST: klist 12/07/26 01:00:00  12/07/26 11:00:00 "
                + " krbtgt/PORTHOLE.TEST@PORTHOLE.TEST",
            "PORTHOLE-GUEST: klist  Flags: FfT",
            "PORTHOLE-GUEST: klist-end sid-2"),
        lines.subList(2, lines.size()));
  }

  @Test
  void printsNoKeyMaterial() throws IOException {
    SsoRunner.Begin begin =
        new SsoRunner.Begin("sid-3\nPORTHOLE-GUEST: unlocked-by root", "n".repeat(22), "x");
    cache("krb5cc_0", 1000L);
    probe.begun(begin);
    probe.ended(begin, ok("alice"));
    String text = Files.readString(console);
    assertFalse(text.contains(SECRET), "a cache's content never reaches the console");
    assertTrue(text.contains("caches=krb5cc_0:600:"), text);
    assertFalse(text.contains("\nPORTHOLE-GUEST: unlocked-by"), "no line made by a peer");
    assertTrue(text.contains("sso-begin sid-3?PORTHOLE-GUEST:?unlocked-by?root caches="), text);
  }

  @Test
  void aFailedExchangeWithoutCodeStillGivesOneEndLine() throws IOException {
    SsoRunner.Begin begin = new SsoRunner.Begin("sid-4", "n".repeat(22), "alice@PORTHOLE.TEST");
    probe.ended(begin, Map.of("session", "sid-4"));
    assertEquals(
        List.of("PORTHOLE-GUEST: sso-end sid-4 failed code=- delegated=- caches=none"), lines());
  }

  private Path cache(String name, long mtimeMillis) throws IOException {
    Path file = caches.resolve(name);
    Files.writeString(file, SECRET, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtimeMillis));
    return file;
  }

  private static Map<String, Object> ok(String user) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("outcome", "ok");
    report.put("user", user);
    report.put("delegated", true);
    return report;
  }

  private static Map<String, Object> refused(String code) {
    return Map.of("outcome", "refused", "code", code);
  }

  private List<String> lines() throws IOException {
    return Files.readAllLines(console);
  }
}
