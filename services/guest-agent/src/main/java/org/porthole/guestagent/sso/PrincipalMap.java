package org.porthole.guestagent.sso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.porthole.guestagent.sso.LocalUsers.LocalUser;

/**
 * Which local account a Kerberos principal may sign in as, by the rules {@code krb5_kuserok}
 * applies for OpenSSH: {@code name@REALM} of the guest's own realm maps to the account {@code
 * name}; if that account has a {@code ~/.k5login} (a regular file owned by it or root), the
 * principal must be one of its lines. Anything else (another realm, an instance such as {@code
 * alice/admin}, a name that is no account, root) maps to nobody.
 */
public final class PrincipalMap {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
  private static final int MAX_K5LOGIN_BYTES = 64 * 1024;

  private final String realm;
  private final LocalUsers users;

  /** Maps principals of {@code realm} (the realm of the guest's own service principal). */
  public PrincipalMap(String realm, LocalUsers users) {
    this.realm = realm;
    this.users = users;
  }

  /**
   * The account {@code principal} signs in as, or empty when it maps to none.
   *
   * @throws IOException when the account list or a {@code .k5login} cannot be read
   */
  public Optional<LocalUser> map(String principal) throws IOException {
    int at = principal.lastIndexOf('@');
    if (at <= 0 || !principal.substring(at + 1).equals(realm)) {
      return Optional.empty();
    }
    String name = principal.substring(0, at);
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Optional<LocalUser> user = users.find(name);
    if (user.isEmpty() || user.get().uid() == 0) {
      return Optional.empty();
    }
    Path k5login = user.get().home().resolve(".k5login");
    if (Files.exists(k5login, LinkOption.NOFOLLOW_LINKS)
        && !listed(k5login, user.get().uid(), principal)) {
      return Optional.empty();
    }
    return user;
  }

  /**
   * Whether {@code principal} is a line of the {@code .k5login}, compared as MIT does (only the
   * line end removed); a file that is not a regular file, owned by neither the account nor root, or
   * over its size cap lists nobody.
   */
  private static boolean listed(Path k5login, int uid, String principal) throws IOException {
    if (!Files.isRegularFile(k5login, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Object owner = Files.getAttribute(k5login, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!(owner instanceof Integer o) || (o != uid && o != 0)) {
      return false;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(k5login, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_K5LOGIN_BYTES + 1);
    }
    if (bytes.length > MAX_K5LOGIN_BYTES) {
      return false;
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (stripLineEnd(line).equals(principal)) {
        return true;
      }
    }
    return false;
  }

  private static String stripLineEnd(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
