package org.porthole.guestagent.spn;

/**
 * A keytab that cannot be read: missing, too big, not a keytab, or malformed/truncated. Never
 * carries key bytes.
 */
public final class KeytabException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeytabException(String message) {
    super(message);
  }
}
