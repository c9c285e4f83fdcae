package org.porthole.engine.web;

import java.util.Objects;
import org.porthole.status.PortholeStatus;

/**
 * A failure that the REST edge reports to the client as {@code {status, message}}.
 *
 * <p>The message is shown to the client, so it must never contain a secret (password, token, key)
 * nor internal detail such as a stack trace or SQL.
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final PortholeStatus status;
  private final long retryAfterSeconds;

  public ApiException(PortholeStatus status, String message) {
    this(status, message, 0);
  }

  /** A refusal after which trying again helps in {@code retryAfterSeconds} (0: say nothing). */
  public ApiException(PortholeStatus status, String message, long retryAfterSeconds) {
    super(message);
    this.status = Objects.requireNonNull(status, "status");
    this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  }

  public ApiException(PortholeStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = Objects.requireNonNull(status, "status");
    this.retryAfterSeconds = 0;
  }

  /** The status that sets the HTTP code and the {@code status} field of the answer. */
  public PortholeStatus status() {
    return status;
  }

  /** Seconds after which the same request may succeed ({@code Retry-After}); 0 when unknown. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
