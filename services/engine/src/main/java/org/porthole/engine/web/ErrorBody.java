package org.porthole.engine.web;

/** The JSON body of every error answer: {@code {"status": "NOT_FOUND", "message": "…"}}. */
public record ErrorBody(String status, String message) {
}
