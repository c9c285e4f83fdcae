package org.porthole.guest.json;

/**
 * Input that is not one strict JSON value, or that exceeds a parser limit. The message names the
 * problem and the character offset, never the input itself, so a hostile peer cannot push its bytes
 * into our logs through it.
 */
public final class JsonException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /** A problem found at character {@code offset} of the input. */
  public JsonException(String problem, int offset) {
    super(problem + " at offset " + offset);
    this.offset = offset;
  }

  /** The character offset in the input where the problem was found. */
  public int offset() {
    return offset;
  }
}
