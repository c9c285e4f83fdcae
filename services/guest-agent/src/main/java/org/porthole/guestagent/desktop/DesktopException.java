package org.porthole.guestagent.desktop;

/** A desktop action that could not be carried out; answered with the {@code failed} error code. */
public final class DesktopException extends Exception {
  private static final long serialVersionUID = 1L;

  public DesktopException(String message) {
    super(message);
  }

  public DesktopException(String message, Throwable cause) {
    super(message, cause);
  }
}
