package org.porthole.stack.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Who we run as, and how to run a command as a service user when we are root. */
public final class OsUser {
  private OsUser() {}

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Prefixes {@code command} with runuser when root, so daemons that refuse root can run. */
  public static List<String> as(String user, List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Gives {@code dir} (recursively) to {@code user} when root. */
  public static void chown(String user, Path dir) throws IOException {
    if (isRoot() && Files.exists(dir)) {
      ChildProcess.run(List.of("chown", "-R", user + ":", dir.toString()), Duration.ofSeconds(30));
    }
  }
}
