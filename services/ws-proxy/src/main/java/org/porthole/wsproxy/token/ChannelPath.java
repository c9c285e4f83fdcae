package org.porthole.wsproxy.token;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.porthole.token.ConsoleClaims;

/**
 * The WebSocket paths the proxy serves and the token channel ({@code ch}) each one opens: {@code
 * /v1/console} the VNC console, {@code /v1/sso} the SSO channel of the same console session
 * (docs/sso-protocol.md). A token opens only the path of its own channel, so an SSO token can never
 * reach a VNC console and a VNC token never the guest's SSO port.
 */
public enum ChannelPath {
  /** The console's picture and input: RFB to QEMU over the host agent's {@code OpenConsole}. */
  CONSOLE("/v1/console", ConsoleClaims.CHANNEL_VNC),

  /** The Kerberos sign-in into the guest over the host agent's {@code OpenSso}. */
  SSO("/v1/sso", ConsoleClaims.CHANNEL_SSO);

  private final String path;
  private final String tokenChannel;

  ChannelPath(String path, String tokenChannel) {
    this.path = path;
    this.tokenChannel = tokenChannel;
  }

  /** The request path, e.g. {@code /v1/sso}. */
  public String path() {
    return path;
  }

  /** The {@code ch} claim a token must carry to open this path. */
  public String tokenChannel() {
    return tokenChannel;
  }

  /** True when {@code claims} are of this path's channel. */
  public boolean admits(ConsoleClaims claims) {
    return tokenChannel.equals(claims.channel());
  }

  /** The path served at exactly {@code requestPath}, if any (no normalization). */
  public static Optional<ChannelPath> ofPath(String requestPath) {
    for (ChannelPath candidate : values()) {
      if (candidate.path.equals(requestPath)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The path that a token of channel {@code ch} opens, if any. */
  public static Optional<ChannelPath> ofTokenChannel(String ch) {
    for (ChannelPath candidate : values()) {
      if (candidate.tokenChannel.equals(ch)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Every served path, for messages: {@code /v1/console or /v1/sso}. */
  public static String allPaths() {
    return Arrays.stream(values()).map(ChannelPath::path).collect(Collectors.joining(" or "));
  }
}
