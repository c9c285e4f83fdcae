package org.porthole.guestagent.sso;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.porthole.guestagent.desktop.ConsoleLines;
import org.porthole.guestagent.desktop.ProcessRunner;
import org.porthole.guestagent.sso.LocalUsers.LocalUser;

/**
 * The test image's view of an SSO exchange, on its console (docs: the plan's probe lines, read by
 * the end-to-end tests): the credential caches in the cache directory before and after, and after a
 * sign-in what {@code klist -f} shows when the signed-in user runs it.
 *
 * <pre>
 * sso-begin &lt;sid&gt; caches=&lt;none|krb5cc_1000:600:alice:&lt;size&gt;:&lt;mtimeMs&gt;[,…]&gt;
 * sso-end &lt;sid&gt; &lt;ok|refused|failed&gt; code=&lt;code|-&gt; delegated=&lt;true|false|-&gt; caches=&lt;…&gt;
 * klist &lt;one line of klist -f&gt;      (only after ok, each non-empty line)
 * klist-end &lt;sid&gt;                   (only after ok)
 * </pre>
 *
 * A cache is shown by name, permission bits, owner, size and modification time: never a byte of its
 * content. klist runs as the user through busybox {@code su} (root needs no password).
 */
public final class CcacheProbe implements SsoProbe {
  private static final Logger LOG = Logger.getLogger(CcacheProbe.class.getName());
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
  private static final Pattern UNPRINTABLE = Pattern.compile("[^\\x20-\\x7e]");
  private static final String NONE = "none";
  private static final String DASH = "-";

  private final ConsoleLines console;
  private final LocalUsers users;
  private final Path ccacheDir;
  private final ProcessRunner runner;
  private final Duration timeout;

  public CcacheProbe(
      ConsoleLines console,
      LocalUsers users,
      Path ccacheDir,
      ProcessRunner runner,
      Duration timeout) {
    this.console = console;
    this.users = users;
    this.ccacheDir = ccacheDir;
    this.runner = runner;
    this.timeout = timeout;
  }

  @Override
  public void begun(SsoRunner.Begin begin) {
    print("sso-begin " + word(begin.session()) + " caches=" + caches());
  }

  @Override
  public void ended(SsoRunner.Begin begin, Map<String, Object> report) {
    String outcome = String.valueOf(report.getOrDefault("outcome", "failed"));
    boolean ok = outcome.equals("ok");
    print(
        "sso-end "
            + word(begin.session())
            + " "
            + word(outcome)
            + " code="
            + (ok ? DASH : word(String.valueOf(report.getOrDefault("code", DASH))))
            + " delegated="
            + (ok ? String.valueOf(Boolean.TRUE.equals(report.get("delegated"))) : DASH)
            + " caches="
            + caches());
    Object user = report.get("user");
    if (ok && user instanceof String name && USER.matcher(name).matches()) {
      klist(name);
      print("klist-end " + word(begin.session()));
    }
  }

  /** The {@code krb5cc_*} files of the cache directory, by name, or {@code none}. */
  String caches() {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(ccacheDir, "krb5cc_*")) {
      for (Path file : files) {
        describe(file).ifPresent(found::add);
      }
    } catch (IOException e) {
      return "unreadable";
    }
    found.sort(null);
    return found.isEmpty() ? NONE : String.join(",", found);
  }

  private Optional<String> describe(Path file) {
    try {
      Map<String, Object> a =
          Files.readAttributes(
              file, "unix:mode,uid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) a.get("uid");
      String owner = users.findByUid(uid).map(LocalUser::name).orElse(Integer.toString(uid));
      return Optional.of(
          word(file.getFileName().toString())
              + ":"
              + Integer.toOctalString((Integer) a.get("mode") & 0777)
              + ":"
              + word(owner)
              + ":"
              + a.get("size")
              + ":"
              + ((FileTime) a.get("lastModifiedTime")).toMillis());
    } catch (IOException e) {
      return Optional.empty(); // gone meanwhile
    }
  }

  private void klist(String user) {
    List<String> command = List.of("/bin/su", "-s", "/bin/sh", user, "-c", "klist -f 2>&1");
    try {
      ProcessRunner.Result result = runner.run(command, timeout);
      for (String line : result.stdout().split("\n")) {
        if (!line.isBlank()) {
          print("klist " + UNPRINTABLE.matcher(line.replace('\t', ' ')).replaceAll("?"));
        }
      }
      if (result.exitCode() != 0) {
        print("klist (exit " + result.exitCode() + ")");
      }
    } catch (IOException e) {
      print(
          "klist (not run: "
              + UNPRINTABLE.matcher(String.valueOf(e.getMessage())).replaceAll("?")
              + ")");
    }
  }

  /** {@code text} as one word: anything but visible ASCII becomes {@code ?}. */
  private static String word(String text) {
    return text.isEmpty() ? DASH : text.replaceAll("[^\\x21-\\x7e]", "?");
  }

  private void print(String line) {
    try {
      console.print(line);
    } catch (IOException e) {
      LOG.log(Level.FINE, "cannot write the probe line: {0}", e.getMessage());
    }
  }
}
