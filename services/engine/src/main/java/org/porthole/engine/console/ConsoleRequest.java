package org.porthole.engine.console;

/** Optional body of {@code POST /vms/{id}/consoles}: {@code {"channel": "vnc"}}. */
public record ConsoleRequest(String channel) {
}
