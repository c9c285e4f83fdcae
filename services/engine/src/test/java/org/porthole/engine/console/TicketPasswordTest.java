package org.porthole.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TicketPasswordTest {

    /** Hands out a known byte sequence and counts what was asked for. */
    private static final class ScriptedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] script;
        private int requested;

        ScriptedRandom(byte[] script) {
            this.script = script;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = script[(requested + i) % script.length];
            }
            requested += bytes.length;
        }
    }

    @Test
    void isEightCharactersOfBase64Url() {
        TicketPassword passwords = new TicketPassword(new SecureRandom());
        for (int i = 0; i < 1000; i++) {
            assertThat(passwords.next()).hasSize(TicketPassword.LENGTH).matches("[A-Za-z0-9_-]{8}");
        }
    }

    @Test
    void carriesExactlySixRandomBytes() {
        byte[] script = {(byte) 0xff, 0x00, 0x7f, (byte) 0x80, 0x3e, (byte) 0xfb};
        ScriptedRandom random = new ScriptedRandom(script);
        String password = new TicketPassword(random).next();

        assertThat(random.requested).isEqualTo(TicketPassword.ENTROPY_BYTES);
        assertThat(Base64.getUrlDecoder().decode(password)).containsExactly(script);
    }

    @Test
    void usesTheWholeAlphabetIncludingUrlSafeSymbols() {
        // 0xfb 0xff 0xbf encodes to "-_-_": the two symbols that standard base64 would make '+' and '/'.
        String password = new TicketPassword(new ScriptedRandom(new byte[] {(byte) 0xfb, (byte) 0xff, (byte) 0xbf}))
                .next();
        assertThat(password).isEqualTo("-_-_-_-_");
    }

    @Test
    void doesNotRepeatAcrossManyDraws() {
        TicketPassword passwords = new TicketPassword(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(passwords.next());
        }
        assertThat(seen).hasSize(10_000);
    }
}
