package org.porthole.engine.agent;

import io.grpc.StatusRuntimeException;
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

  /**
   * What the agent said about the failure (its gRPC status description), at most {@code maxChars}
   * printable ASCII characters ("…" when cut); "" when it said nothing. Never a secret: agents
   * describe refusals for users.
   */
  public String agentDescription(int maxChars) {
    if (!(getCause() instanceof StatusRuntimeException)) {
      return "";
    }
    String said = ((StatusRuntimeException) getCause()).getStatus().getDescription();
    if (said == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder();
    for (int i = 0; i < said.length() && safe.length() < maxChars; i++) {
      char c = said.charAt(i);
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return safe.length() < said.length() ? safe + "…" : safe.toString();
  }
}
