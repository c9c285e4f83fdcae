package org.porthole.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target for configuration values as the services read them (environment and system
 * properties): any text is a value within the asked range, or a {@link ConfigException} naming the
 * key whose message shows a secret key's value only as {@code ***}. Seeds in {@code
 * SettingsFuzzTestInputs/}.
 */
class SettingsFuzzTest {

  private static final String PLAIN = "porthole.proxy.max-frame-bytes";
  private static final String SECRET = "porthole.db.password";
  private static final int DEFAULT = 256 * 1024;

  @FuzzTest(maxDuration = "30s")
  void anyValueIsInRangeOrRefusedNamingTheKeyWithoutSecrets(byte[] bytes) {
    String raw = new String(bytes, StandardCharsets.UTF_8);
    Settings settings = Settings.of(Map.of(PLAIN, raw, SECRET, raw));
    for (String key : List.of(PLAIN, SECRET)) {
      try {
        int value = settings.getInt(key, DEFAULT, 1024, 16 * 1024 * 1024);
        assertTrue(value >= 1024 && value <= 16 * 1024 * 1024, "in range: " + value);
        assertEquals(raw.isBlank() ? DEFAULT : Long.parseLong(raw.trim()), value);
      } catch (ConfigException e) {
        String shown = key.equals(SECRET) ? "***" : raw.trim();
        String prefix =
            "configuration " + key + " (env " + Settings.environmentName(key) + ") = '" + shown;
        // The whole message, not its ends: a secret in the middle would pass a prefix check.
        assertTrue(
            e.getMessage().equals(prefix + "' is not an integer")
                || e.getMessage().equals(prefix + "' must be between 1024 and 16777216"),
            key.equals(SECRET) ? "a refusal of the secret key's value" : e.getMessage());
      }
    }
    List<String> items = settings.getList(PLAIN, "");
    for (String item : items) {
      assertTrue(!item.isEmpty() && item.equals(item.trim()) && !item.contains(","), item);
    }
  }
}
