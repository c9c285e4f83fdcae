package org.porthole.stack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking Keycloak's zip: once, atomically, and never outside the state directory. */
class KeycloakDistTest {
  @TempDir Path dir;

  @Test
  void unpacksOnceAndReusesTheTree() throws Exception {
    Path zip =
        zip(
            "dist.zip",
            entries(
                "keycloak-9.9.9/",
                "",
                "keycloak-9.9.9/bin/kc.sh",
                "#!/bin/sh\n",
                "keycloak-9.9.9/lib/a.jar",
                "jar"));
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Path home = KeycloakDist.unpackOnce(zip, state);
    assertThat(home).isEqualTo(state.resolve("keycloak-9.9.9"));
    assertThat(Files.isExecutable(home.resolve("bin/kc.sh"))).isTrue();
    assertThat(home.resolve("lib/a.jar")).hasContent("jar");
    Files.writeString(home.resolve("data.txt"), "kept");
    assertThat(KeycloakDist.unpackOnce(zip, state)).isEqualTo(home);
    assertThat(home.resolve("data.txt"))
        .as("second start reuses the unpacked tree")
        .hasContent("kept");
    assertThat(state.resolve("unpacking.tmp")).doesNotExist();
  }

  @Test
  void rejectsZipSlipEntry() throws Exception {
    Path zip =
        zip("slip.zip", entries("keycloak-1/", "", "keycloak-1/../../../escaped.txt", "owned"));
    Path state = dir.resolve("a/b/state");
    Files.createDirectories(state);
    assertThatThrownBy(() -> KeycloakDist.unpackOnce(zip, state))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("outside the target");
    assertThat(dir.resolve("a/b/escaped.txt")).doesNotExist();
    assertThat(state.resolve("escaped.txt")).doesNotExist();
    assertThat(state.resolve("keycloak-1")).doesNotExist();
  }

  @Test
  void rejectsAbsoluteEntry() throws Exception {
    Path target = dir.resolve("abs-target.txt");
    Path zip = zip("abs.zip", entries("keycloak-1/", "", target.toString(), "owned"));
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    assertThatThrownBy(() -> KeycloakDist.unpackOnce(zip, state)).isInstanceOf(IOException.class);
    assertThat(target).doesNotExist();
  }

  @Test
  void rejectsZipThatIsNotKeycloak() throws Exception {
    Path zip = zip("other.zip", entries("something/bin/kc.sh", "x"));
    assertThatThrownBy(() -> KeycloakDist.topFolder(zip))
        .hasMessageContaining("keycloak-<version>/");
    Path dots = zip("dots.zip", entries("../keycloak-1/x", "x"));
    assertThatThrownBy(() -> KeycloakDist.topFolder(dots)).isInstanceOf(IOException.class);
  }

  @Test
  void rejectsEmptyAndNonZipFiles() throws Exception {
    Path empty = zip("empty.zip", entries());
    assertThatThrownBy(() -> KeycloakDist.topFolder(empty)).hasMessageContaining("empty");
    Path text = dir.resolve("text.zip");
    Files.writeString(text, "not a zip at all");
    assertThatThrownBy(() -> KeycloakDist.topFolder(text)).isInstanceOf(IOException.class);
  }

  @Test
  void distributionZipNamesTheMissingFile() {
    String old = System.getProperty("porthole.keycloak.zip");
    System.setProperty("porthole.keycloak.zip", dir.resolve("nope.zip").toString());
    try {
      assertThatThrownBy(Keycloak::distributionZip)
          .hasMessageContaining("nope.zip")
          .hasMessageContaining("dependency:resolve");
    } finally {
      if (old == null) {
        System.clearProperty("porthole.keycloak.zip");
      } else {
        System.setProperty("porthole.keycloak.zip", old);
      }
    }
  }

  @Test
  void buildRecordsWhereMavenPutTheZip() throws Exception {
    var props = new java.util.Properties();
    try (var in = Keycloak.class.getResourceAsStream("keycloak-dist.properties")) {
      assertThat(in).isNotNull();
      props.load(in);
    }
    assertThat(props.getProperty("version")).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(props.getProperty("zip"))
        .endsWith("keycloak-quarkus-dist-" + props.getProperty("version") + ".zip")
        .doesNotContain("${");
  }

  /** Name, content, name, content...: in the order given, as the zip's entries. */
  private static Map<String, String> entries(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private Path zip(String name, Map<String, String> entries) throws IOException {
    Path zip = dir.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return zip;
  }
}
