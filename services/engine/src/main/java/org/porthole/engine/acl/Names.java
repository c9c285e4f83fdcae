package org.porthole.engine.acl;

import java.util.regex.Pattern;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Validates the names clients send for ACL subjects and tags: 1–64 characters of {@code
 * [A-Za-z0-9._@-]}. Errors name the field, never echo the input.
 */
public final class Names {

  /** The rule, as error messages state it. */
  public static final String RULE = "1-64 characters of A-Z a-z 0-9 . _ @ -";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private Names() {}

  /** True when {@code raw} is a valid subject or tag name. */
  public static boolean isValid(String raw) {
    return raw != null && NAME.matcher(raw).matches();
  }

  /**
   * Returns {@code raw} when valid.
   *
   * @throws PortholeException BAD_REQUEST naming {@code field}
   */
  public static String require(String field, String raw) {
    if (!isValid(raw)) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, field + " must be " + RULE);
    }
    return raw;
  }
}
