package org.porthole.status;

import java.util.Objects;

/**
 * A failure of the domain, named by its {@link PortholeStatus}: code below the edges throws it, and
 * each edge (REST, WebSocket, gRPC) turns the status into its own answer, so no domain class
 * depends on a transport.
 *
 * <p>The message is shown to the client, so it must never contain a secret (password, token, key)
 * nor internal detail such as a stack trace or SQL.
 */
public class PortholeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final PortholeStatus status;
  private final long retryAfterSeconds;

  /** A failure with {@code status} and a message safe to show. */
  public PortholeException(PortholeStatus status, String message) {
    this(status, message, 0);
  }

  /** A refusal after which trying again helps in {@code retryAfterSeconds} (0: say nothing). */
  public PortholeException(PortholeStatus status, String message, long retryAfterSeconds) {
    super(message);
    this.status = Objects.requireNonNull(status, "status");
    this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  }

  /** A failure caused by {@code cause}, which is logged but never shown. */
  public PortholeException(PortholeStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = Objects.requireNonNull(status, "status");
    this.retryAfterSeconds = 0;
  }

  /** The status each edge answers with. */
  public PortholeStatus status() {
    return status;
  }

  /** Seconds after which the same request may succeed ({@code Retry-After}); 0 when unknown. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
