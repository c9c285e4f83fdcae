package org.porthole.nativeviewer;

/**
 * The process exit codes of {@code porthole-viewer}, one per kind of outcome a script can act on.
 * Listed in {@code --help}; the numbers are a contract and never change meaning.
 */
public enum ExitCode {
  OK(0, "done; for connect: the viewer was closed"),
  FAILED(1, "unexpected failure (the message says what)"),
  USAGE(2, "bad command line"),
  SIGN_IN(3, "not signed in, or the sign-in was refused (run: porthole-viewer login, or kinit)"),
  FORBIDDEN(
      4,
      "you lack the permission named in the message (console.view, console.connect,"
          + " console.takeover or console.sso)"),
  NOT_FOUND(5, "no such VM, or none you may see"),
  ENGINE_DOWN(6, "the engine cannot be reached"),
  CONSOLE_FAILED(
      7, "the console could not be opened or kept: proxy refused, VM not running, no viewer"),
  VIEWER_MISSING(8, "the viewer program was not found (install virt-viewer, or use --proxy-only)"),
  TAKEN_OVER(9, "another user took the console over (close 4009)"),
  REVOKED(10, "your access was revoked while the console was open (close 4003)"),
  HELD(11, "another user holds the console: ask again with --takeover"),
  BUSY(12, "a limit was reached (too many consoles or tickets): try again later");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The number the process exits with. */
  public int code() {
    return code;
  }

  /** What it means, for {@code --help}. */
  public String meaning() {
    return meaning;
  }
}
