package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.token.ChannelPath;

class HandshakePolicyTest {

  private static final String ORIGIN = "http://localhost:8080";
  private static final SocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
  private final HandshakePolicy policy = new HandshakePolicy(Set.of(ORIGIN));

  private static HttpRequest upgrade(HttpMethod method, String uri, String protocols) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    request
        .headers()
        .set("Upgrade", "websocket")
        .set("Connection", "keep-alive, Upgrade")
        .set("Origin", ORIGIN);
    if (protocols != null) {
      request.headers().set("Sec-WebSocket-Protocol", protocols);
    }
    return request;
  }

  private static HttpRequest upgrade(String protocols) {
    return upgrade(HttpMethod.GET, "/v1/console", protocols);
  }

  @Test
  void acceptsTokenFromSubprotocolListWithoutShowingIt() {
    HandshakeVerdict verdict =
        policy.check(upgrade("binary, porthole.token.aaa.bbb.ccc"), LOOPBACK);

    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.token()).isEqualTo("aaa.bbb.ccc");
    assertThat(verdict.toString()).doesNotContain("aaa.bbb.ccc");
  }

  @Test
  void acceptsTheConsolePathForTheVncChannel() {
    HandshakeVerdict verdict = policy.check(upgrade("binary"), LOOPBACK);

    assertThat(verdict.channel()).isEqualTo(ChannelPath.CONSOLE);
  }

  @Test
  void acceptsTheSsoPath() {
    HandshakeVerdict verdict =
        policy.check(upgrade(HttpMethod.GET, "/v1/sso", "binary, porthole.token.a.b.c"), LOOPBACK);

    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.channel()).isEqualTo(ChannelPath.SSO);
    assertThat(verdict.token()).isEqualTo("a.b.c");
    assertThat(verdict.toString()).contains("/v1/sso").doesNotContain("a.b.c");
  }

  @Test
  void theSsoPathKeepsTheConsoleRules() {
    HttpRequest foreign = upgrade(HttpMethod.GET, "/v1/sso", "binary");
    foreign.headers().set("Origin", "https://evil.example");

    assertThat(policy.check(foreign, LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.ORIGIN_REJECTED);
    assertThat(
            policy
                .check(upgrade(HttpMethod.GET, "/v1/sso?token=a.b.c", "binary"), LOOPBACK)
                .rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(
            policy
                .check(upgrade(HttpMethod.GET, "/v1/sso", "porthole.token.a.b.c"), LOOPBACK)
                .rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(
            policy
                .check(
                    upgrade(HttpMethod.GET, "/v1/sso", "binary"),
                    InetSocketAddress.createUnresolved("localhost", 1))
                .rejection())
        .isEqualTo(PortholeStatus.FORBIDDEN);
  }

  @Test
  void unknownPathNamesBoth() {
    HandshakeVerdict verdict = policy.check(upgrade(HttpMethod.GET, "/v1/vnc", "binary"), LOOPBACK);

    assertThat(verdict.rejection()).isEqualTo(PortholeStatus.NOT_FOUND);
    assertThat(verdict.channel()).isNull();
    assertThat(verdict.message()).contains("/v1/console").contains("/v1/sso");
  }

  @Test
  void rejectsSubprotocolsSplitOverTwoHeaderLines() {
    // Netty's handshaker would read only the first line: it must never see other values than we
    // checked.
    HttpRequest request = upgrade("porthole.token.x.y.z");
    request.headers().add("Sec-WebSocket-Protocol", "binary");

    HandshakeVerdict verdict = policy.check(request, LOOPBACK);
    assertThat(verdict.rejection()).isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(verdict.toString()).doesNotContain("x.y.z");
  }

  @Test
  void acceptsBinaryAloneAndWaitsForTokenMessage() {
    HandshakeVerdict verdict = policy.check(upgrade("binary"), LOOPBACK);

    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.token()).isNull();
  }

  @Test
  void acceptsIpv6Loopback() {
    assertThat(policy.check(upgrade("binary"), new InetSocketAddress("::1", 4000)).accepted())
        .isTrue();
  }

  @Test
  void rejectsTwoTokens() {
    HandshakeVerdict verdict =
        policy.check(upgrade("binary, porthole.token.a.b.c, porthole.token.d.e.f"), LOOPBACK);

    assertThat(verdict.rejection()).isEqualTo(PortholeStatus.BAD_REQUEST);
  }

  @Test
  void rejectsOriginDifferingOnlyInCase() {
    HttpRequest request = upgrade("binary");
    request.headers().set("Origin", "HTTP://LOCALHOST:8080");

    assertThat(policy.check(request, LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.ORIGIN_REJECTED);
  }

  @Test
  void acceptsNativeClientWithoutOrigin() {
    HttpRequest request = upgrade("binary, porthole.token.a.b.c");
    request.headers().remove("Origin");

    HandshakeVerdict verdict = policy.check(request, LOOPBACK);
    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.token()).isEqualTo("a.b.c");
  }

  @Test
  void rejectsOpaqueNullOriginOfSandboxedPage() {
    HttpRequest request = upgrade("binary");
    request.headers().set("Origin", "null");

    assertThat(policy.check(request, LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.ORIGIN_REJECTED);
  }

  @Test
  void rejectsEmptyOrigin() {
    HttpRequest request = upgrade("binary");
    request.headers().set("Origin", "");

    assertThat(policy.check(request, LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.ORIGIN_REJECTED);
  }

  @Test
  void rejectsTwoOriginHeaders() {
    HttpRequest request = upgrade("binary");
    request.headers().add("Origin", "https://evil.example");

    assertThat(policy.check(request, LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.ORIGIN_REJECTED);
  }

  @Test
  void rejectsNonUpgradeRequests() {
    HttpRequest plain = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/console");
    plain.headers().set("Origin", ORIGIN).set("Sec-WebSocket-Protocol", "binary");

    assertThat(policy.check(plain, LOOPBACK).rejection()).isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(
            policy.check(upgrade(HttpMethod.POST, "/v1/console", "binary"), LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
  }

  @Test
  void rejectsTokenInUrlQueryOrFragment() {
    assertThat(
            policy
                .check(upgrade(HttpMethod.GET, "/v1/console?token=a.b.c", "binary"), LOOPBACK)
                .rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(
            policy
                .check(upgrade(HttpMethod.GET, "/v1/console#a.b.c", "binary"), LOOPBACK)
                .rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
    assertThat(
            policy.check(upgrade(HttpMethod.GET, "/v1/console?", "binary"), LOOPBACK).rejection())
        .isEqualTo(PortholeStatus.BAD_REQUEST);
  }

  @Test
  void rejectsLookalikePaths() {
    for (String uri :
        new String[] {
          "/v1/console/",
          "/v1/Console",
          "//v1/console",
          "/v1/console/../console",
          "http://host/v1/console",
          "/v1/sso/",
          "/v1/SSO",
          "/v1/console/../sso",
          "*"
        }) {
      assertThat(policy.check(upgrade(HttpMethod.GET, uri, "binary"), LOOPBACK).rejection())
          .as(uri)
          .isEqualTo(PortholeStatus.NOT_FOUND);
    }
  }

  @Test
  void acceptsClientsBeyondLoopbackAndRejectsUnknownAddresses() {
    // Behind a Service or an Ingress every client is remote: the token authorizes, not the address.
    assertThat(policy.check(upgrade("binary"), new InetSocketAddress("10.0.0.1", 1)).accepted())
        .isTrue();
    assertThat(
            policy
                .check(upgrade("binary"), InetSocketAddress.createUnresolved("localhost", 1))
                .rejection())
        .isEqualTo(PortholeStatus.FORBIDDEN);
    assertThat(policy.check(upgrade("binary"), null).rejection())
        .isEqualTo(PortholeStatus.FORBIDDEN);
  }
}
