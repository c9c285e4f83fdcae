package org.porthole.nativeviewer.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.porthole.nativeviewer.console.ViewerSide;

/**
 * A viewer program per console attempt: started with the tunnel's address and password, ended (with
 * its children) when its console dropped so the reconnect can start a fresh one.
 */
public final class LaunchedViewer implements ViewerSide {
  private final ViewerProgram program;
  private final Path passwdFile;
  private Process process;

  /**
   * @param scratchDir an owner-only directory for {@code vncviewer}'s password file
   */
  public LaunchedViewer(ViewerProgram program, Path scratchDir) {
    this.program = program;
    this.passwdFile = scratchDir.resolve("vncpasswd");
  }

  @Override
  public void offer(String vmName, String host, int port, String password) throws IOException {
    process =
        program.start(VvFile.of(vmName, host, port, password), host, port, password, passwdFile);
  }

  @Override
  public void admitted() {
    deletePasswordFile();
  }

  @Override
  public void withdraw() {
    deletePasswordFile();
    Process p = process;
    if (p == null) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  @Override
  public boolean alive() {
    return process != null && process.isAlive();
  }

  private void deletePasswordFile() {
    try {
      Files.deleteIfExists(passwdFile);
    } catch (IOException e) {
      // the scratch directory is removed on exit anyway
    }
  }
}
