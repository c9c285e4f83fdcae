package org.porthole.nativeviewer.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the one value of a {@code .vv} file that comes from outside: the VM's name, which
 * the engine reports and whoever named the domain chose. Whatever the name, the file is the same
 * ten lines in the same order (GLib's key-file reader splits on {@code \n} only), the tunnel's
 * address and password are untouched, and the title holds the name on one line with {@code %}
 * escaped. Seeds in {@code VvFileFuzzTestInputs/}.
 */
class VvFileFuzzTest {

  private static final List<String> KEYS =
      List.of(
          "type",
          "host",
          "port",
          "password",
          "title",
          "delete-this-file",
          "release-cursor",
          "toggle-fullscreen",
          "secure-attention");

  @FuzzTest(maxDuration = "30s")
  void anyVmNameStaysInTheTitleLine(byte[] bytes) {
    String name = new String(bytes, StandardCharsets.UTF_8);
    String file = VvFile.of(name, "127.0.0.1", 40000, "p4ssw0rd");

    String[] lines = file.split("\n", -1);
    assertThat(lines).hasSize(KEYS.size() + 2);
    assertThat(lines[0]).isEqualTo("[virt-viewer]");
    assertThat(lines[lines.length - 1]).isEmpty();
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= KEYS.size(); i++) {
      keys.add(lines[i].substring(0, lines[i].indexOf('=')));
    }
    assertThat(keys).isEqualTo(KEYS);
    assertThat(lines[2]).isEqualTo("host=127.0.0.1");
    assertThat(lines[3]).isEqualTo("port=40000");
    assertThat(lines[4]).isEqualTo("password=p4ssw0rd");
    assertThat(lines[6]).isEqualTo("delete-this-file=1");
    String title = lines[5].substring("title=".length());
    assertThat(title).doesNotContain("\r").endsWith(" - Porthole");
    assertThat(title.replace("%%", "")).doesNotContain("%");
  }
}
