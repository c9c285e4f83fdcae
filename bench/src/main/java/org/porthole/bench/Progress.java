package org.porthole.bench;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** One progress line per step on stderr, so stdout carries only the table. */
final class Progress {
  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  void say(String line) {
    out.println("bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
    out.flush();
  }
}
