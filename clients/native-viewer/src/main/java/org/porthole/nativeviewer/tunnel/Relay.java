package org.porthole.nativeviewer.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * Moves bytes between the admitted local viewer and the console until either side ends. One thread
 * per direction; each reads its next chunk only after the last one was written (the proxy
 * connection's send waits for the network), so neither side queues more than one chunk.
 */
public final class Relay {
  private static final int CHUNK = 64 * 1024;

  /** Which side ended the relay. */
  public enum Ended {
    VIEWER,
    CONSOLE
  }

  private Relay() {}

  /** Relays until one side ends, closes both, and says which side it was. */
  public static Ended run(Socket viewer, ProxyConnection console) throws InterruptedException {
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    Thread up = new Thread(() -> ended.complete(viewerToConsole(viewer, console)), "viewer-up");
    Thread down = new Thread(() -> ended.complete(consoleToViewer(console, viewer)), "viewer-down");
    up.setDaemon(true);
    down.setDaemon(true);
    up.start();
    down.start();
    Ended first = ended.join();
    if (first == Ended.VIEWER) {
      console.close();
    }
    closeQuietly(viewer);
    down.join(2000);
    up.join(2000);
    return first;
  }

  private static Ended viewerToConsole(Socket viewer, ProxyConnection console) {
    byte[] buf = new byte[CHUNK];
    try {
      InputStream in = viewer.getInputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (n > 0) {
          console.write(buf, 0, n);
        }
      }
      return Ended.VIEWER;
    } catch (IOException e) {
      return console.closed().isDone() ? Ended.CONSOLE : Ended.VIEWER;
    }
  }

  private static Ended consoleToViewer(ProxyConnection console, Socket viewer) {
    byte[] buf = new byte[CHUNK];
    try {
      OutputStream out = viewer.getOutputStream();
      int n;
      while ((n = console.read(buf, 0, buf.length)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      return Ended.CONSOLE;
    } catch (IOException e) {
      return Ended.VIEWER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Ended.VIEWER;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
