package org.porthole.guestagent.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.guestagent.sso.LocalUsers.LocalUser;

class PrincipalMapTest {
  private static final String REALM = "PORTHOLE.TEST";

  @TempDir Path dir;
  private Path aliceHome;
  private PrincipalMap map;

  @BeforeEach
  void accounts() throws IOException {
    aliceHome = Files.createDirectories(dir.resolve("home/alice"));
    Path bobHome = Files.createDirectories(dir.resolve("home/bob"));
    Path passwd = dir.resolve("passwd");
    Files.writeString(
        passwd,
        String.join(
            "\n",
            "root:x:0:0:root:/root:/bin/sh",
            "broken line",
            "alice:x:1001:1001:Alice:" + aliceHome + ":/bin/sh",
            "bob:x:1002:100::" + bobHome + ":/bin/sh",
            "neg:x:-5:1::/home/neg:/bin/sh",
            ""));
    map = new PrincipalMap(REALM, new LocalUsers(passwd));
  }

  @Test
  void aPrincipalOfTheGuestsRealmMapsToTheAccountOfItsName() throws IOException {
    assertEquals(
        Optional.of(new LocalUser("alice", 1001, 1001, aliceHome)), map.map("alice@" + REALM));
  }

  @Test
  void otherRealmsInstancesRootStrangersAndOddNamesMapToNobody() throws IOException {
    for (String principal :
        new String[] {
          "alice@EVIL.TEST",
          "alice@porthole.test",
          "alice/admin@" + REALM,
          "root@" + REALM,
          "carol@" + REALM,
          "neg@" + REALM,
          "Alice@" + REALM,
          "@" + REALM,
          "alice",
          "../alice@" + REALM,
          "alice@" + REALM + "@" + REALM
        }) {
      assertEquals(Optional.empty(), map.map(principal), principal);
    }
  }

  @Test
  void aK5loginMustListThePrincipalOnALineOfItsOwnAsMitReadsIt() throws IOException {
    Path k5login = aliceHome.resolve(".k5login");
    Files.writeString(k5login, "bob@" + REALM + "\n");
    assertEquals(Optional.empty(), map.map("alice@" + REALM));
    Files.writeString(k5login, "bob@" + REALM + "\n  alice@" + REALM + "\n");
    assertEquals(Optional.empty(), map.map("alice@" + REALM), "MIT compares whole lines");
    Files.writeString(k5login, "bob@" + REALM + "\r\nalice@" + REALM + "\r\n");
    assertTrue(map.map("alice@" + REALM).isPresent());
  }

  @Test
  void aK5loginOwnedByAnotherAccountListsNobody() throws IOException {
    Path k5login = aliceHome.resolve(".k5login");
    Files.writeString(k5login, "alice@" + REALM + "\n");
    Files.setAttribute(k5login, "unix:uid", 1002);
    assertEquals(Optional.empty(), map.map("alice@" + REALM));
    Files.setAttribute(k5login, "unix:uid", 1001);
    assertTrue(map.map("alice@" + REALM).isPresent());
  }

  @Test
  void aK5loginThatIsASymlinkOrTooBigListsNobody() throws IOException {
    Path elsewhere = Files.writeString(dir.resolve("list"), "alice@" + REALM + "\n");
    Files.createSymbolicLink(aliceHome.resolve(".k5login"), elsewhere);
    assertEquals(Optional.empty(), map.map("alice@" + REALM));
    Files.delete(aliceHome.resolve(".k5login"));
    Files.writeString(
        aliceHome.resolve(".k5login"), "x".repeat(70_000) + "\nalice@" + REALM + "\n");
    assertEquals(Optional.empty(), map.map("alice@" + REALM));
  }

  @Test
  void anAccountListOverItsCapIsAnErrorNotAGuess() throws IOException {
    Path huge = dir.resolve("huge-passwd");
    Files.write(huge, new byte[LocalUsers.MAX_BYTES + 1]);
    PrincipalMap hugeMap = new PrincipalMap(REALM, new LocalUsers(huge));
    assertThrows(IOException.class, () -> hugeMap.map("alice@" + REALM));
  }

  @Test
  void passwdLinesParseOnlyWhenWhole() {
    assertEquals(Optional.empty(), LocalUsers.parse("a:x:1:1::/h"));
    assertEquals(Optional.empty(), LocalUsers.parse("a:x:1:1::relative:/bin/sh"));
    assertEquals(Optional.empty(), LocalUsers.parse("a:x:one:1::/h:/bin/sh"));
    assertEquals(Optional.empty(), LocalUsers.parse(":x:1:1::/h:/bin/sh"));
    assertEquals(
        Optional.of(new LocalUser("a", 1, 2, Path.of("/h"))), LocalUsers.parse("a:x:1:2::/h:"));
  }
}
