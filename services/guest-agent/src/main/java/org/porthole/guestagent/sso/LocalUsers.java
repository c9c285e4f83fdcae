package org.porthole.guestagent.sso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The guest's local accounts as {@code /etc/passwd} lists them (the path is a setting so tests use
 * their own file). Read on every lookup: accounts change while the agent runs. Malformed lines are
 * skipped; a file over {@link #MAX_BYTES} is not read at all.
 */
public final class LocalUsers {
  /** A passwd file larger than this is refused rather than read. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  /** One account: login name, numeric ids and home directory. */
  public record LocalUser(String name, int uid, int gid, Path home) {}

  private final Path passwd;

  public LocalUsers(Path passwd) {
    this.passwd = passwd;
  }

  /**
   * The account named {@code name}, if the file has one.
   *
   * @throws IOException when the file cannot be read or is over the size cap
   */
  public Optional<LocalUser> find(String name) throws IOException {
    return first(u -> u.name().equals(name));
  }

  /**
   * The first account with user id {@code uid}, if the file has one.
   *
   * @throws IOException when the file cannot be read or is over the size cap
   */
  public Optional<LocalUser> findByUid(int uid) throws IOException {
    return first(u -> u.uid() == uid);
  }

  private Optional<LocalUser> first(Predicate<LocalUser> wanted) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(passwd)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException(passwd + " is over " + MAX_BYTES + " bytes");
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      Optional<LocalUser> user = parse(line);
      if (user.isPresent() && wanted.test(user.get())) {
        return user;
      }
    }
    return Optional.empty();
  }

  /** One {@code name:password:uid:gid:gecos:home:shell} line, or empty when it is not one. */
  static Optional<LocalUser> parse(String line) {
    String[] f = line.split(":", -1);
    if (f.length != 7 || f[0].isEmpty() || !f[5].startsWith("/")) {
      return Optional.empty();
    }
    try {
      int uid = Integer.parseInt(f[2]);
      int gid = Integer.parseInt(f[3]);
      if (uid < 0 || gid < 0) {
        return Optional.empty();
      }
      return Optional.of(new LocalUser(f[0], uid, gid, Path.of(f[5])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
