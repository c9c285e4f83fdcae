package org.porthole.nativeviewer;

/**
 * A failure the user can act on: one clear line and the exit code that goes with it. Messages never
 * carry a token, password or other secret.
 */
public final class ViewerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ExitCode exitCode;

  public ViewerFailure(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public ViewerFailure(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
