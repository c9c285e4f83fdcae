package org.porthole.nativeviewer.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One console at the ws-proxy as a byte stream: the WebSocket carries the token in its subprotocol
 * list next to {@code binary} (never in the URL) and no {@code Origin}, which tells the proxy this
 * is not a browser. Backpressure: the next WebSocket message is requested only after the reader
 * took the previous one, so at most one message waits here.
 */
public final class ProxyConnection implements AutoCloseable {
  /** The close code used when the connection failed without a close frame. */
  public static final int ABNORMAL = 1006;

  private static final byte[] END = new byte[0];
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private WebSocket socket;
  private byte[] current = END;
  private int offset;

  /** How the console ended: a close code and the proxy's reason. */
  public record Close(int code, String reason) {}

  private ProxyConnection() {}

  /** Thrown when no WebSocket could be opened at all (proxy down, refused before the upgrade). */
  public static final class Unreachable extends IOException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Opens the console's WebSocket with {@code token}. */
  public static ProxyConnection open(HttpClient http, String proxyUrl, String token)
      throws IOException, InterruptedException {
    ProxyConnection c = new ProxyConnection();
    try {
      c.socket =
          http.newWebSocketBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .subprotocols("binary", "porthole.token." + token)
              .buildAsync(URI.create(proxyUrl), c.new Listener())
              .get(CONNECT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof WebSocketHandshakeException refused) {
        throw new Unreachable(
            "the console proxy at " + proxyUrl + " refused the console: " + answer(refused), e);
      }
      throw new Unreachable(
          "the console proxy at " + proxyUrl + " refused or is down: " + cause, e);
    } catch (TimeoutException e) {
      throw new Unreachable("the console proxy at " + proxyUrl + " did not answer", e);
    }
    return c;
  }

  /** The proxy's HTTP status and the start of its explanation, for a refused upgrade. */
  private static String answer(WebSocketHandshakeException refused) {
    HttpResponse<?> response = refused.getResponse();
    if (response == null) {
      return "no valid upgrade answer";
    }
    Object body = response.body();
    String text = body instanceof String s ? s.strip() : "";
    return "HTTP "
        + response.statusCode()
        + (text.isEmpty() ? "" : " " + text.substring(0, Math.min(200, text.length())));
  }

  /** Reads exactly {@code n} bytes, or fails when the console ended first. */
  public byte[] readFully(int n) throws IOException, InterruptedException {
    byte[] out = new byte[n];
    int got = 0;
    while (got < n) {
      int r = read(out, got, n - got);
      if (r < 0) {
        throw new IOException("the console ended during its handshake");
      }
      got += r;
    }
    return out;
  }

  /** Reads up to {@code len} bytes; -1 when the console ended. */
  public int read(byte[] buf, int off, int len) throws InterruptedException {
    if (offset == current.length) {
      if (current == END && closed.isDone() && incoming.isEmpty()) {
        return -1;
      }
      byte[] next = incoming.take();
      if (next == END) {
        incoming.add(END);
        return -1;
      }
      current = next;
      offset = 0;
      socket.request(1);
    }
    int n = Math.min(len, current.length - offset);
    System.arraycopy(current, offset, buf, off, n);
    offset += n;
    return n;
  }

  /** Sends {@code len} bytes and waits until they were handed to the network. */
  public void write(byte[] buf, int off, int len) throws IOException {
    try {
      socket.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(buf, off, off + len)), true).join();
    } catch (CompletionException e) {
      throw new IOException("the console connection failed while sending", e.getCause());
    }
  }

  /** How the console ended; completes when it did. */
  public CompletableFuture<Close> closed() {
    return closed;
  }

  /** Ends the console normally (1000), as when the viewer was closed. */
  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "viewer closed").get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // the proxy is gone or slow: abort below ends the connection anyway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (socket != null) {
      socket.abort();
    }
    finish(new Close(WebSocket.NORMAL_CLOSURE, "viewer closed"));
  }

  private void finish(Close close) {
    if (closed.complete(close)) {
      incoming.add(END);
    }
  }

  /** Threading: the HTTP client's executor calls one method at a time, per request(1). */
  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      if (!last) {
        partial.write(bytes, 0, bytes.length);
        webSocket.request(1);
        return null;
      }
      if (partial.size() > 0) {
        partial.write(bytes, 0, bytes.length);
        bytes = partial.toByteArray();
        partial.reset();
      }
      if (bytes.length == 0) {
        webSocket.request(1);
      } else {
        incoming.add(bytes);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      finish(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      finish(new Close(ABNORMAL, "the connection to the console proxy was lost"));
    }
  }
}
