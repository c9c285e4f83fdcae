package org.porthole.nativeviewer.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The loopback port of a console admits only a client holding this console's password, and only
 * one: a stranger connecting first is refused without hurting the viewer, and nobody gets in after
 * it.
 */
class LocalListenerTest {
  private static final Duration WINDOW = Duration.ofSeconds(20);

  private final VncPassword password = VncPassword.of("s3cretPw");
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @Test
  void admitsTheViewerThatHoldsThePassword() throws Exception {
    try (LocalListener listener = LocalListener.open(password, Clock.systemUTC())) {
      CompletableFuture<Integer> viewer =
          CompletableFuture.supplyAsync(() -> clientLogin(listener.port(), "s3cretPw"));
      try (Socket admitted = listener.awaitViewer(WINDOW, () -> true, err)) {
        assertThat(admitted).isNotNull();
        assertThat(viewer.get()).as("SecurityResult OK").isEqualTo(0);
      }
    }
  }

  @Test
  void anotherLocalUserWithoutThePasswordGetsNothingAndTheViewerStillGetsIn() throws Exception {
    try (LocalListener listener = LocalListener.open(password, Clock.systemUTC())) {
      CompletableFuture<Socket> admitted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return listener.awaitViewer(WINDOW, () -> true, err);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(clientLogin(listener.port(), "guessed!")).as("SecurityResult failed").isEqualTo(1);
      assertThat(clientLogin(listener.port(), "s3cretPw")).isEqualTo(0);
      try (Socket s = admitted.get()) {
        assertThat(s).isNotNull();
      }
      assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("refused a local connection");
      int port = listener.port();
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .as("the port is closed once the viewer is in")
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void refusesAClientThatSkipsAuthentication() throws Exception {
    try (LocalListener listener = LocalListener.open(password, Clock.systemUTC())) {
      CompletableFuture<Integer> sneaky =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = new Socket("127.0.0.1", listener.port())) {
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  in.readFully(new byte[12]);
                  s.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                  byte[] types = new byte[in.readUnsignedByte()];
                  in.readFully(types);
                  assertThat(types).containsExactly(2);
                  s.getOutputStream().write(1); // security None, never offered
                  return in.read();
                } catch (IOException e) {
                  return -2;
                }
              });
      assertThat(listener.awaitViewer(Duration.ofSeconds(3), () -> true, err)).isNull();
      assertThat(sneaky.get()).as("closed without a byte more").isIn(-1, -2);
    }
  }

  @Test
  void stopsWaitingWhenTheViewerProgramExited() throws Exception {
    try (LocalListener listener = LocalListener.open(password, Clock.systemUTC())) {
      long start = System.nanoTime();
      assertThat(listener.awaitViewer(WINDOW, () -> false, err)).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    try (LocalListener listener = LocalListener.open(password, Clock.systemUTC())) {
      assertThat(listener.host()).isEqualTo("127.0.0.1");
    }
  }

  /** An RFB 3.8 client doing VNC authentication; answers the SecurityResult word. */
  private static int clientLogin(int port, String pw) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      byte[] version = new byte[12];
      in.readFully(version);
      assertThat(new String(version, StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
      out.write(version);
      byte[] types = new byte[in.readUnsignedByte()];
      in.readFully(types);
      out.write(2);
      byte[] challenge = new byte[16];
      in.readFully(challenge);
      out.write(VncPassword.response(challenge, pw));
      byte[] result = new byte[4];
      in.readFully(result);
      return ByteBuffer.wrap(result).getInt();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
