package org.porthole.guest.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte-exact example lines of docs/guest-protocol.md (its {@code jsonl} blocks), so the spec
 * and the tests cannot drift.
 */
public final class DocExamples {
  private static final String FENCE_OPEN = "```jsonl";
  private static final String FENCE_CLOSE = "```";

  private DocExamples() {}

  /** The spec file, found from the module directory Maven runs tests in. */
  public static Path specFile() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("docs/guest-protocol.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "docs/guest-protocol.md not found above " + Path.of("").toAbsolutePath());
  }

  /** Every line inside a {@code jsonl} fenced block, in document order. */
  public static List<String> lines() throws IOException {
    List<String> out = new ArrayList<>();
    boolean inside = false;
    for (String line : Files.readAllLines(specFile(), StandardCharsets.UTF_8)) {
      if (!inside && line.equals(FENCE_OPEN)) {
        inside = true;
      } else if (inside && line.equals(FENCE_CLOSE)) {
        inside = false;
      } else if (inside) {
        out.add(line);
      }
    }
    return out;
  }
}
