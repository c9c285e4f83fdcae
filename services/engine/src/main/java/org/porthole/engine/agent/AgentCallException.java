package org.porthole.engine.agent;

import org.porthole.status.PortholeStatus;

/**
 * A call to a host agent failed; {@link #status()} says how callers should answer (for example
 * UPSTREAM_UNAVAILABLE when the agent cannot be reached). The message names the call and the gRPC
 * code, never the request's secrets.
 */
public class AgentCallException extends Exception {

  private static final long serialVersionUID = 1L;

  private final PortholeStatus status;

  public AgentCallException(PortholeStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public PortholeStatus status() {
    return status;
  }
}
