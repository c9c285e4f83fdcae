package org.porthole.nativeviewer.launch;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;

/**
 * The viewer program a console opens in, found on {@code PATH} (or given as a path): {@code
 * remote-viewer} (default) or another program that reads a {@code .vv} from stdin when given {@code
 * -} get the {@code .vv} through a pipe only (no file, no argument another user could read in
 * {@code ps}); TigerVNC's {@code vncviewer} gets {@code host::port} and the tunnel's password in an
 * owner-only {@code -passwd} file (VNC's obfuscated format) that is deleted once it connected.
 */
public final class ViewerProgram {
  private final Path executable;

  private ViewerProgram(Path executable) {
    this.executable = executable;
  }

  /**
   * Finds {@code name} ({@code remote-viewer} when null) before any console is asked for, so a
   * missing viewer costs no ticket.
   */
  public static ViewerProgram find(String name, Map<String, String> env) {
    String wanted = name == null || name.isBlank() ? "remote-viewer" : name;
    return resolve(wanted, env.getOrDefault("PATH", ""))
        .map(ViewerProgram::new)
        .orElseThrow(
            () ->
                new ViewerFailure(
                    ExitCode.VIEWER_MISSING,
                    wanted
                        + " was not found on PATH: install virt-viewer (Debian/Ubuntu: apt-get"
                        + " install virt-viewer; Windows: virt-viewer's installer), name another"
                        + " with --viewer, or use --proxy-only"));
  }

  static Optional<Path> resolve(String name, String path) {
    if (name.contains("/") || name.contains(File.separator)) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String candidate : List.of(name, name + ".exe")) {
        Path p = Path.of(dir, candidate);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** The program's path. */
  public Path executable() {
    return executable;
  }

  /** True for TigerVNC-style viewers, which take {@code host::port} and {@code -passwd}. */
  public boolean isVncViewer() {
    String file = executable.getFileName().toString();
    return file.startsWith("vncviewer") || file.startsWith("xtigervncviewer");
  }

  /**
   * Starts the viewer for the console at {@code host:port}: {@code vv} on stdin, or for {@code
   * vncviewer} the password in {@code passwdFile} (written here, owner-only; the caller deletes
   * it). Its output goes to this process's.
   */
  public Process start(String vv, String host, int port, String password, Path passwdFile)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    if (isVncViewer()) {
      VncPasswdFile.write(passwdFile, password);
      command.addAll(List.of("-passwd", passwdFile.toString(), host + "::" + port));
    } else {
      command.add("-");
    }
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream stdin = p.getOutputStream()) {
      if (!isVncViewer()) {
        stdin.write(vv.getBytes(StandardCharsets.UTF_8));
      }
    }
    return p;
  }
}
