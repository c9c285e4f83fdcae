package org.porthole.guestagent.command;

import java.math.BigDecimal;
import java.util.Map;
import org.porthole.guest.protocol.ErrorCode;
import org.porthole.guest.protocol.ProtocolException;

/**
 * Checked access to a request's {@code args}; a bad value is a {@code bad-args} error for that
 * request.
 */
final class Args {
  private final String requestId;
  private final Map<String, Object> raw;

  Args(String requestId, Map<String, Object> raw) {
    this.requestId = requestId;
    this.raw = raw;
  }

  int integer(String name, int defaultValue, int min, int max) throws ProtocolException {
    if (!raw.containsKey(name)) {
      return defaultValue;
    }
    if (raw.get(name) instanceof BigDecimal d) {
      try {
        int value = d.intValueExact();
        if (value >= min && value <= max) {
          return value;
        }
      } catch (ArithmeticException e) {
        // not an int: reported below
      }
    }
    throw bad(name + " must be an integer from " + min + " to " + max);
  }

  String string(String name, int maxChars) throws ProtocolException {
    if (!raw.containsKey(name)) {
      return "";
    }
    if (raw.get(name) instanceof String s && s.length() <= maxChars) {
      return s;
    }
    throw bad(name + " must be a string of at most " + maxChars + " characters");
  }

  private ProtocolException bad(String text) {
    return new ProtocolException(ErrorCode.BAD_ARGS, text, requestId);
  }
}
