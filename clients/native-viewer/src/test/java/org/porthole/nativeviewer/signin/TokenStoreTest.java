package org.porthole.nativeviewer.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  private static final OidcTokens TOKENS =
      new OidcTokens(
          "http://localhost:8180/realms/porthole",
          "access-secret",
          Instant.ofEpochSecond(2_000_000_000L),
          "refresh-secret",
          Instant.ofEpochSecond(2_000_001_000L));

  @Test
  void storesTokensReadableByTheOwnerOnly(@TempDir Path home) throws Exception {
    Path dir = home.resolve("config/porthole-viewer");
    TokenStore store = new TokenStore(dir);

    store.save(TOKENS);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(store.load()).contains(TOKENS);
  }

  @Test
  void replacingTokensKeepsTheFileOwnerOnly(@TempDir Path home) throws Exception {
    TokenStore store = new TokenStore(home);
    store.save(TOKENS);
    Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));

    store.save(TOKENS);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void tokensNeverAppearInTheirTextForm() {
    assertThat(TOKENS.toString()).doesNotContain("secret");
  }

  @Test
  void logoutForgetsTheTokens(@TempDir Path home) {
    TokenStore store = new TokenStore(home);
    store.save(TOKENS);

    assertThat(store.delete()).isTrue();
    assertThat(store.load()).isEmpty();
  }

  @Test
  void configDirectoryFollowsTheEnvironment() {
    assertThat(TokenStore.defaultDir(Map.of("PORTHOLE_VIEWER_CONFIG", "/x/y")))
        .isEqualTo(Path.of("/x/y"));
    assertThat(TokenStore.defaultDir(Map.of("XDG_CONFIG_HOME", "/cfg")))
        .isEqualTo(Path.of("/cfg/porthole-viewer"));
  }
}
