package org.porthole.guestagent.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.guestagent.RecordingBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The guest's decision after a good handshake: who may sign in as whom, where the delegated TGT
 * goes and as whose file, and what the client is told when a step fails.
 */
class SsoAcceptanceTest {
  private static final String ALICE = "alice@PORTHOLE.TEST";
  private static final int UID = 4201;
  private static final int GID = 4202;

  @TempDir Path dir;
  private PrincipalMap principals;
  private Path caches;
  private final RecordingBackend desktop = new RecordingBackend();

  @BeforeEach
  void accounts() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home/alice"));
    Path passwd = dir.resolve("passwd");
    Files.writeString(passwd, "alice:x:" + UID + ":" + GID + "::" + home + ":/bin/sh\n");
    principals = new PrincipalMap("PORTHOLE.TEST", new LocalUsers(passwd));
    caches = Files.createDirectories(dir.resolve("tmp"));
  }

  @Test
  void theConsolesUserGetsHerTgtAsHerOwnCacheAndHerSessionUnlocked() throws Exception {
    SsoMessage result = acceptance(ALICE).decide(ALICE, Optional.of(tgt()));
    assertEquals(
        new SsoMessage.Ok(
            Map.of("user", "alice", "principal", ALICE, "delegated", true, "session", "unlocked")),
        result);
    Path cache = caches.resolve("krb5cc_" + UID);
    assertEquals(UID, Files.getAttribute(cache, "unix:uid"));
    assertEquals(GID, Files.getAttribute(cache, "unix:gid"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    assertEquals(List.of("alice"), desktop.unlocked);
    try (var files = Files.list(caches)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void withoutADelegatedTgtTheSessionIsStillUnlockedAndNoCacheIsWritten() throws Exception {
    SsoMessage result = acceptance(ALICE).decide(ALICE, Optional.empty());
    assertEquals(false, ((SsoMessage.Ok) result).result().get("delegated"));
    assertFalse(Files.exists(caches.resolve("krb5cc_" + UID)));
    assertEquals(List.of("alice"), desktop.unlocked);
  }

  @Test
  void anotherUsersPrincipalIsRefusedAsWrongUserAndNothingHappens() throws Exception {
    assertRefused(acceptance("bob@PORTHOLE.TEST").decide(ALICE, Optional.of(tgt())), "wrong-user");
    assertNothingHappened();
  }

  @Test
  void aPrincipalWithoutAnAccountIsRefusedAsNotMapped() throws Exception {
    String carol = "carol@PORTHOLE.TEST";
    assertRefused(acceptance(carol).decide(carol, Optional.of(tgt())), "not-mapped");
    assertNothingHappened();
  }

  @Test
  void aCacheThatCannotBeWrittenIsStoreFailedAndTheSessionStaysLocked() throws Exception {
    SsoAcceptance nowhere =
        new SsoAcceptance(ALICE, principals, dir.resolve("no-such-dir"), desktop);
    assertRefused(nowhere.decide(ALICE, Optional.of(tgt())), "store-failed");
    assertTrue(desktop.unlocked.isEmpty());
  }

  @Test
  void aDesktopThatCannotUnlockIsUnlockFailed() throws Exception {
    RecordingBackend stuck = new RecordingBackend();
    stuck.unlockFailure = new DesktopException("loginctl unlock-session exited with 1");
    SsoAcceptance acceptance = new SsoAcceptance(ALICE, principals, caches, stuck);
    assertRefused(acceptance.decide(ALICE, Optional.empty()), "unlock-failed");
  }

  private SsoAcceptance acceptance(String consolePrincipal) {
    return new SsoAcceptance(consolePrincipal, principals, caches, desktop);
  }

  private void assertNothingHappened() throws IOException {
    assertTrue(desktop.unlocked.isEmpty());
    try (var files = Files.list(caches)) {
      assertEquals(0, files.count());
    }
  }

  private static void assertRefused(SsoMessage result, String code) {
    assertTrue(result instanceof SsoMessage.Error, result.toString());
    SsoMessage.Error error = (SsoMessage.Error) result;
    assertEquals(code, error.code());
    assertFalse(error.text().contains("tgt-bytes"));
  }

  /**
   * A TGT as the acceptor hands it over (the bytes are not a real ticket: nothing here reads it).
   */
  private static KerberosTicket tgt() {
    Date now = new Date();
    boolean[] flags = new boolean[32];
    flags[1] = true; // forwardable
    return new KerberosTicket(
        "tgt-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        new KerberosPrincipal(ALICE),
        new KerberosPrincipal("krbtgt/PORTHOLE.TEST@PORTHOLE.TEST"),
        new byte[32],
        18,
        flags,
        now,
        now,
        new Date(now.getTime() + 3_600_000),
        null,
        null);
  }
}
