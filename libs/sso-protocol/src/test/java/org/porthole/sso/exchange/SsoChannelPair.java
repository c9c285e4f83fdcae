package org.porthole.sso.exchange;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.porthole.guest.protocol.ChannelStreams;
import org.porthole.sso.protocol.SsoLines;

/**
 * Both ends of an SSO channel on a unix socket in a test directory, as the host's end of the
 * guest's port is one: {@link #guest()} for the guest agent's side, {@link #client()} for the
 * viewer's (the relays in between carry bytes only).
 */
final class SsoChannelPair implements AutoCloseable {
  private final SocketChannel guestEnd;
  private final SocketChannel clientEnd;
  private final SsoLines guest;
  private final SsoLines client;

  private SsoChannelPair(SocketChannel guestEnd, SocketChannel clientEnd) {
    this.guestEnd = guestEnd;
    this.clientEnd = clientEnd;
    this.guest = new SsoLines(ChannelStreams.in(guestEnd), ChannelStreams.out(guestEnd));
    this.client = new SsoLines(ChannelStreams.in(clientEnd), ChannelStreams.out(clientEnd));
  }

  static SsoChannelPair open(Path dir) throws IOException {
    Path socket = Files.createTempDirectory(dir, "sso").resolve("port.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      SocketChannel clientEnd = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      return new SsoChannelPair(server.accept(), clientEnd);
    }
  }

  SsoLines guest() {
    return guest;
  }

  SsoLines client() {
    return client;
  }

  /** Writes {@code text} as the client, bytes as they are (for malformed lines). */
  void sendRaw(String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      clientEnd.write(bytes);
    }
  }

  /** The client goes away (its end closes); the guest reads the end of the stream. */
  void closeClient() throws IOException {
    clientEnd.close();
  }

  @Override
  public void close() throws IOException {
    clientEnd.close();
    guestEnd.close();
  }
}
