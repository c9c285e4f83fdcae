package org.porthole.testsupport.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * What a {@link WsClient} received: the binary payloads in order with a read cursor, and the close
 * code and reason. Written on the client's event loop, read by the test thread; every access holds
 * this object's monitor, and writers notify.
 */
final class Received {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private int consumed;
  private Integer closeCode;
  private String closeReason = "";

  synchronized void add(byte[] data) {
    bytes.writeBytes(data);
    notifyAll();
  }

  /** Records the first close: a close frame's code, or -1 when the connection just ended. */
  synchronized void closed(int code, String reason) {
    if (closeCode == null) {
      closeCode = code;
      closeReason = reason;
    }
    notifyAll();
  }

  synchronized byte[] take(int n, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (bytes.size() - consumed < n) {
      if (closeCode != null) {
        throw new IOException("the server closed with " + closeCode + " " + closeReason);
      }
      if (!waitUntil(deadline)) {
        throw new IOException("no " + n + " bytes from the server within " + timeout);
      }
    }
    byte[] out = Arrays.copyOfRange(bytes.toByteArray(), consumed, consumed + n);
    consumed += n;
    return out;
  }

  synchronized byte[] awaitTotal(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (bytes.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("got " + bytes.size() + " of " + count + " bytes in " + timeout);
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return bytes.toByteArray();
  }

  synchronized Integer awaitClose(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (closeCode == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return closeCode;
  }

  synchronized byte[] all() {
    return bytes.toByteArray();
  }

  synchronized int total() {
    return bytes.size();
  }

  synchronized String closeReason() {
    return closeReason;
  }

  private boolean waitUntil(long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    try {
      wait(Math.max(1, left / 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
