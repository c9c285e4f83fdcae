package org.porthole.hostagent;

import org.porthole.status.PortholeStatus;

/**
 * A failure the agent reports to its caller, carrying the Porthole status that decides the gRPC
 * code (and, on the other edges, the HTTP status and WebSocket close code).
 *
 * <p>Messages are shown to callers and written to logs: they never contain a password, a token or
 * secure domain XML.
 */
public final class AgentException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient PortholeStatus status;

  public AgentException(PortholeStatus status, String message) {
    super(message);
    this.status = status;
  }

  public AgentException(PortholeStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public PortholeStatus status() {
    return status;
  }
}
