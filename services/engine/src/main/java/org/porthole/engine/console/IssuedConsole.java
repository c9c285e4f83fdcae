package org.porthole.engine.console;

/**
 * A console session just issued, with its secrets: the signed token and the one-time password.
 * Handed to the client once; never logged ({@code toString} hides them).
 */
public record IssuedConsole(ConsoleSession session, String token, String password, String proxyUrl) {

    @Override
    public String toString() {
        return "IssuedConsole[session=" + session.id() + ", vm=" + session.vmId() + "]";
    }
}
