package org.porthole.engine.console;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * One-time VNC passwords: 8 characters from 6 SecureRandom bytes (48 bits), base64url without
 * padding, so every character is printable ASCII ({@code A-Z a-z 0-9 - _}). Eight is the VNC
 * DES limit: QEMU ignores anything longer. Thread-safe (SecureRandom is).
 */
public final class TicketPassword {

    /** Characters in a password. */
    public static final int LENGTH = 8;
    /** Random bytes behind a password: 6 bytes encode to exactly 8 base64 characters. */
    public static final int ENTROPY_BYTES = 6;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public TicketPassword(SecureRandom random) {
        this.random = random;
    }

    /** A fresh password. It is a secret: never log it. */
    public String next() {
        byte[] bytes = new byte[ENTROPY_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
