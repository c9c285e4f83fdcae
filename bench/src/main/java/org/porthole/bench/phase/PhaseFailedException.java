package org.porthole.bench.phase;

/** A phase could not measure anything meaningful (e.g. no connection became established). */
public final class PhaseFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  public PhaseFailedException(String message) {
    super(message);
  }
}
