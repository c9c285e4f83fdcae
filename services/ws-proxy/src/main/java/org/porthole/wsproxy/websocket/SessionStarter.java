package org.porthole.wsproxy.websocket;

import io.netty.channel.ChannelPipeline;
import org.porthole.wsproxy.token.ChannelPath;

/**
 * What runs on a connection once its upgrade was accepted: installs the handlers that authenticate
 * the console and relay it. Keeps the WebSocket edge independent of the relay.
 */
@FunctionalInterface
public interface SessionStarter {

  /**
   * Called on the channel's event loop right after the {@code 101} answer was written.
   *
   * @param pipeline the upgraded connection's pipeline; add handlers last
   * @param tokenOrNull the token from {@code Sec-WebSocket-Protocol}; {@code null} when the client
   *     sends it as its first text message. Secret: never log it.
   * @param clientAddress the client's address as seen by the proxy, {@code ip:port}
   * @param channel the path the client asked for; its token must be of that channel
   */
  void start(
      ChannelPipeline pipeline, String tokenOrNull, String clientAddress, ChannelPath channel);
}
