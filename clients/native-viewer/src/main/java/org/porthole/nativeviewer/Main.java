package org.porthole.nativeviewer;

import org.porthole.nativeviewer.cli.ViewerCommand;

/** Entry point of {@code porthole-viewer}: the command line decides everything else. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(ViewerCommand.run(args, System.out, System.err, System.getenv()));
  }
}
