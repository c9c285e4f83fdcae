package org.porthole.guest.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte-exact example lines of a protocol page (its {@code jsonl} blocks):
 * docs/guest-protocol.md here, docs/sso-protocol.md for libs/sso-protocol, so the specs and the
 * tests cannot drift.
 */
public final class DocExamples {
  private static final String FENCE_OPEN = "```jsonl";
  private static final String FENCE_CLOSE = "```";

  private DocExamples() {}

  private static final String GUEST_PROTOCOL = "docs/guest-protocol.md";

  /** The guest protocol's page, found from the module directory Maven runs tests in. */
  public static Path specFile() {
    return specFile(GUEST_PROTOCOL);
  }

  /** The page {@code doc} (e.g. {@code docs/sso-protocol.md}) above the module directory. */
  public static Path specFile(String doc) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve(doc);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(doc + " not found above " + Path.of("").toAbsolutePath());
  }

  /** Every line inside a {@code jsonl} fenced block of the guest protocol's page, in order. */
  public static List<String> lines() throws IOException {
    return lines(GUEST_PROTOCOL);
  }

  /** Every line inside a {@code jsonl} fenced block of {@code doc}, in document order. */
  public static List<String> lines(String doc) throws IOException {
    List<String> out = new ArrayList<>();
    boolean inside = false;
    for (String line : Files.readAllLines(specFile(doc), StandardCharsets.UTF_8)) {
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
