package org.porthole.nativeviewer.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VvFileTest {

  @Test
  void describesTheLoopbackTunnelForRemoteViewer() {
    String vv = VvFile.of("demo", "127.0.0.1", 40123, "Pw2345678");

    assertThat(vv)
        .startsWith("[virt-viewer]\n")
        .contains("type=vnc\n")
        .contains("host=127.0.0.1\n")
        .contains("port=40123\n")
        .contains("password=Pw2345678\n")
        .contains("title=demo - Porthole\n")
        .contains("delete-this-file=1\n")
        .contains("release-cursor=shift+f12\n");
  }

  @Test
  void aVmNameCannotInjectKeysIntoTheFile() {
    String vv = VvFile.of("evil\nhost=10.0.0.1\n%d", "127.0.0.1", 1, "x");

    assertThat(vv.lines().filter(l -> l.startsWith("host="))).containsExactly("host=127.0.0.1");
    assertThat(vv).contains("title=evil?host=10.0.0.1?%%d - Porthole");
  }

  @Test
  void findsProgramsOnThePathOnly(@TempDir Path dir) throws Exception {
    Path tool = dir.resolve("remote-viewer");
    Files.writeString(tool, "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));

    assertThat(ViewerProgram.resolve("remote-viewer", "/nonexistent:" + dir)).contains(tool);
    assertThat(ViewerProgram.resolve("remote-viewer", "/nonexistent")).isEmpty();
    assertThat(ViewerProgram.resolve(tool.toString(), "")).contains(tool);
  }

  @Test
  void writesVncviewersPasswordFileOwnerOnlyInVncpasswdFormat(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("passwd");
    VncPasswdFile.write(file, "password");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    // vncpasswd's well-known output for "password"
    assertThat(java.util.HexFormat.of().formatHex(Files.readAllBytes(file)))
        .isEqualTo("dbd83cfd727a1458");
  }
}
