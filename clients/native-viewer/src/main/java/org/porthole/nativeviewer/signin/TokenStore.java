package org.porthole.nativeviewer.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The user's OIDC tokens in {@code <config dir>/tokens.json}, readable by the user alone: the
 * directory is created 0700 and the file written 0600 as a new file, then renamed over the old one,
 * so no other user can read it at any moment. On file systems without POSIX permissions (Windows)
 * the file lives in the user's profile, which only the user may read.
 */
public final class TokenStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "tokens.json";
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private final Path dir;

  public TokenStore(Path dir) {
    this.dir = dir;
  }

  /**
   * The configuration directory: {@code PORTHOLE_VIEWER_CONFIG}, else {@code
   * $XDG_CONFIG_HOME/porthole-viewer}, else {@code %APPDATA%\porthole-viewer} on Windows, else
   * {@code ~/.config/porthole-viewer}.
   */
  public static Path defaultDir(Map<String, String> env) {
    String explicit = env.get("PORTHOLE_VIEWER_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "porthole-viewer");
    }
    String appData = env.get("APPDATA");
    if (appData != null && !appData.isBlank() && !posix()) {
      return Path.of(appData, "porthole-viewer");
    }
    return Path.of(System.getProperty("user.home"), ".config", "porthole-viewer");
  }

  /** The token file. */
  public Path file() {
    return dir.resolve(FILE);
  }

  /** The stored tokens, if any. */
  public Optional<OidcTokens> load() {
    Path file = file();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return Optional.of(
          new OidcTokens(
              n.path("realmUrl").asText(),
              n.path("accessToken").asText(),
              Instant.ofEpochSecond(n.path("accessExpiresAt").asLong()),
              n.hasNonNull("refreshToken") ? n.path("refreshToken").asText() : null,
              Instant.ofEpochSecond(n.path("refreshExpiresAt").asLong())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Replaces the stored tokens, owner-only. */
  public void save(OidcTokens tokens) {
    ObjectNode n = JSON.createObjectNode();
    n.put("realmUrl", tokens.realmUrl());
    n.put("accessToken", tokens.accessToken());
    n.put("accessExpiresAt", tokens.accessExpiresAt().getEpochSecond());
    n.put("refreshToken", tokens.refreshToken());
    n.put("refreshExpiresAt", tokens.refreshExpiresAt().getEpochSecond());
    try {
      createPrivateDir();
      Path temp = dir.resolve(FILE + ".new");
      Files.deleteIfExists(temp);
      if (posix()) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
      } else {
        Files.createFile(temp);
      }
      Files.writeString(temp, JSON.writeValueAsString(n), StandardCharsets.UTF_8);
      Files.move(temp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(), e);
    }
  }

  /** Forgets the tokens; true when there were any. */
  public boolean delete() {
    try {
      return Files.deleteIfExists(file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(), e);
    }
  }

  private void createPrivateDir() throws IOException {
    if (Files.isDirectory(dir)) {
      if (posix()) {
        Files.setPosixFilePermissions(dir, OWNER_DIR);
      }
      return;
    }
    if (posix()) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
