package org.porthole.hostagent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Captures log lines (formatted as they would be printed, stack traces included). */
public final class LogCapture extends Handler implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();
  private final Logger root = Logger.getLogger("");
  private final Level previous;

  public LogCapture() {
    this(Level.ALL);
  }

  /** Captures the lines of {@code level} and above (the root logger is opened that far). */
  public LogCapture(Level level) {
    setLevel(level);
    previous = root.getLevel();
    root.setLevel(level);
    root.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    lines.add(formatter.format(record));
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String all() {
    return String.join("", lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
    root.setLevel(previous);
  }
}
