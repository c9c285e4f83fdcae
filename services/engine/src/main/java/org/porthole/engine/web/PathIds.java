package org.porthole.engine.web;

import java.util.UUID;
import java.util.regex.Pattern;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Parses ids taken from request paths. JAX-RS answers 404 when a typed path parameter does not
 * convert; Porthole answers 400 with a clear message, so paths carry strings parsed here.
 */
public final class PathIds {

  private static final Pattern CANONICAL_UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private PathIds() {}

  /**
   * Parses a canonical UUID (36 characters, hex and dashes).
   *
   * @throws PortholeException BAD_REQUEST naming the parameter, never echoing the input
   */
  public static UUID uuid(String parameter, String raw) {
    if (raw == null || !CANONICAL_UUID.matcher(raw).matches()) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, parameter + " must be a UUID");
    }
    return UUID.fromString(raw);
  }
}
