package org.porthole.engine.web;

import java.util.Objects;

import org.porthole.status.PortholeStatus;

/**
 * A failure that the REST edge reports to the client as {@code {status, message}}.
 *
 * <p>The message is shown to the client, so it must never contain a secret (password,
 * token, key) nor internal detail such as a stack trace or SQL.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final PortholeStatus status;

    public ApiException(PortholeStatus status, String message) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
    }

    public ApiException(PortholeStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The status that sets the HTTP code and the {@code status} field of the answer. */
    public PortholeStatus status() {
        return status;
    }
}
