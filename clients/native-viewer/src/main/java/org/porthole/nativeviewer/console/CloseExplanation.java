package org.porthole.nativeviewer.console;

import java.util.Map;
import java.util.Set;
import org.porthole.nativeviewer.ExitCode;

/**
 * What a WebSocket close code from the ws-proxy means to the user, in the same words as the web
 * page (docs/contracts.md, status table): whether the viewer may ask for a fresh token by itself,
 * and the exit code when it may not.
 */
public final class CloseExplanation {
  /**
   * Closes after which a fresh token is asked for: the network, the proxy or the host agent went
   * away (restart, migration) or a limit said "later". Never a takeover (4009), a revocation (4003)
   * or a refused token or request: asking again would only repeat those decisions.
   */
  private static final Set<Integer> RECONNECTABLE =
      Set.of(1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014);

  private static final Map<Integer, String> TEXT =
      Map.ofEntries(
          Map.entry(1000, "the console was closed"),
          Map.entry(1001, "the console proxy is going away (restart or shutdown)"),
          Map.entry(1003, "the console proxy refused a message it cannot accept"),
          Map.entry(1006, "the connection to the console proxy failed or was cut"),
          Map.entry(1007, "the console proxy refused malformed data"),
          Map.entry(1008, "the console proxy refused this client by policy"),
          Map.entry(1009, "a message exceeded the console proxy's frame size limit"),
          Map.entry(1011, "the console proxy hit an internal error"),
          Map.entry(1013, "the console service is at a limit; try again in a moment"),
          Map.entry(1014, "the VM's host agent is unreachable from the console proxy"),
          Map.entry(4001, "the console ticket was refused (expired, already used, or invalid)"),
          Map.entry(4003, "your access to this console was revoked"),
          Map.entry(4004, "the VM was not found on its host"),
          Map.entry(4009, "another user took over this console"));

  private CloseExplanation() {}

  /** True when the viewer may reconnect by itself after {@code code}. */
  public static boolean reconnectable(int code) {
    return RECONNECTABLE.contains(code);
  }

  /** One line: what happened, the proxy's reason when it gave one, and the code. */
  public static String describe(int code, String reason) {
    String text = TEXT.getOrDefault(code, "the console connection was closed");
    String clean = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", "?").strip();
    if (clean.length() > 123) {
      clean = clean.substring(0, 123);
    }
    return text
        + (clean.isEmpty() ? "" : " (proxy says: \"" + clean + "\")")
        + " [close "
        + code
        + "]";
  }

  /** The exit code when the console ends for good with {@code code}. */
  public static ExitCode exitCode(int code) {
    return switch (code) {
      case 4009 -> ExitCode.TAKEN_OVER;
      case 4003 -> ExitCode.REVOKED;
      case 4004 -> ExitCode.NOT_FOUND;
      case 1013 -> ExitCode.BUSY;
      default -> ExitCode.CONSOLE_FAILED;
    };
  }
}
