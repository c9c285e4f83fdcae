package org.porthole.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A console through the ws-proxy, as a browser opens it (Origin, subprotocols, binary frames). */
final class WsLink implements ByteLink {
  private final Object lock = new Object();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private int consumed;
  private Integer closeCode;
  private String closeReason = "";
  private WebSocket socket;

  /** How the upgrade ended when the proxy refused it. */
  static final class Refused extends IOException {
    final int httpStatus;

    Refused(int httpStatus, Throwable cause) {
      super("upgrade refused with HTTP " + httpStatus, cause);
      this.httpStatus = httpStatus;
    }
  }

  static WsLink open(String url, String origin, List<String> subprotocols) throws IOException {
    WsLink link = new WsLink();
    WebSocket.Builder b =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (!subprotocols.isEmpty()) {
      b.subprotocols(
          subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
    }
    try {
      link.socket = b.buildAsync(URI.create(url), link.listener()).get(10, TimeUnit.SECONDS);
      return link;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        throw new Refused(h.getResponse().statusCode(), h);
      }
      throw new IOException("WebSocket to " + url + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IOException("WebSocket to " + url + " did not open", e);
    }
  }

  String subprotocol() {
    return socket.getSubprotocol();
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  /** Waits for the proxy to close; returns its close code, or null if it stays open. */
  Integer awaitClose(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    synchronized (lock) {
      while (closeCode == null && Instant.now().isBefore(deadline)) {
        waitOn(Duration.between(Instant.now(), deadline));
      }
      return closeCode;
    }
  }

  /** Every byte the proxy sent so far (what the user's browser receives). */
  byte[] receivedSoFar() {
    synchronized (lock) {
      return received.toByteArray();
    }
  }

  String closeReason() {
    synchronized (lock) {
      return closeReason;
    }
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    synchronized (lock) {
      while (received.size() - consumed < n) {
        if (closeCode != null) {
          throw new IOException("proxy closed the console with " + closeCode + " " + closeReason);
        }
        if (!Instant.now().isBefore(deadline)) {
          throw new IOException("no " + n + " bytes from the proxy within " + timeout);
        }
        waitOn(Duration.between(Instant.now(), deadline));
      }
      byte[] all = received.toByteArray();
      byte[] out = java.util.Arrays.copyOfRange(all, consumed, consumed + n);
      consumed += n;
      return out;
    }
  }

  @Override
  public void write(byte[] bytes) {
    sendBinary(bytes);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      socket
          .sendClose(WebSocket.NORMAL_CLOSURE, "bye")
          .orTimeout(5, TimeUnit.SECONDS)
          .exceptionally(t -> null)
          .join();
    }
    if (socket != null) {
      socket.abort();
    }
  }

  private void waitOn(Duration d) {
    try {
      lock.wait(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        synchronized (lock) {
          byte[] b = new byte[data.remaining()];
          data.get(b);
          received.writeBytes(b);
          lock.notifyAll();
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        synchronized (lock) {
          closeCode = statusCode;
          closeReason = reason;
          lock.notifyAll();
        }
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        synchronized (lock) {
          if (closeCode == null) {
            closeCode = 1006;
            closeReason = String.valueOf(error.getMessage());
          }
          lock.notifyAll();
        }
      }
    };
  }
}
