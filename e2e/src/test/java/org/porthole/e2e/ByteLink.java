package org.porthole.e2e;

import java.io.IOException;
import java.time.Duration;

/** A byte stream to a VNC server, directly or through the ws-proxy. */
interface ByteLink extends AutoCloseable {
  /** Reads exactly {@code n} bytes or fails after {@code timeout}. */
  byte[] read(int n, Duration timeout) throws IOException;

  void write(byte[] bytes) throws IOException;

  @Override
  void close();
}
