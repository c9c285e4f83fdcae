package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import org.junit.jupiter.api.Test;

class LoopbackFilterTest {

    /** What the filter did with one request. */
    private static final class Exchange {
        boolean passedOn;
        Integer status;
        final Map<String, String> headers = new HashMap<>();
        String body;

        RoutingContext context(SocketAddress peer) {
            return context(peer, "localhost:8080");
        }

        RoutingContext context(SocketAddress peer, String hostHeader) {
            HttpServerResponse response = proxy(HttpServerResponse.class, (self, method, args) -> {
                switch (method.getName()) {
                    case "setStatusCode":
                        status = (Integer) args[0];
                        return self;
                    case "putHeader":
                        headers.put(String.valueOf(args[0]), String.valueOf(args[1]));
                        return self;
                    case "end":
                        body = String.valueOf(args[0]);
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
            HttpServerRequest request = proxy(HttpServerRequest.class, (self, method, args) -> {
                if (method.getName().equals("remoteAddress")) {
                    return peer;
                }
                if (method.getName().equals("authority")) {
                    // As Vert.x parses a Host header or an HTTP/2 :authority (null when malformed).
                    return hostHeader == null ? null : HostAndPort.parseAuthority(hostHeader, -1);
                }
                throw new UnsupportedOperationException(method.getName());
            });
            return proxy(RoutingContext.class, (self, method, args) -> {
                switch (method.getName()) {
                    case "request":
                        return request;
                    case "response":
                        return response;
                    case "next":
                        passedOn = true;
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        }
    }

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Test
    void passesLoopbackClientsOn() {
        Exchange exchange = new Exchange();
        new LoopbackFilter().filter(exchange.context(SocketAddress.inetSocketAddress(40000, "127.0.0.1")));

        assertThat(exchange.passedOn).isTrue();
        assertThat(exchange.status).isNull();
    }

    @Test
    void rejectsNonLoopbackClientWith403() {
        Exchange exchange = new Exchange();
        new LoopbackFilter().filter(exchange.context(SocketAddress.inetSocketAddress(40000, "192.168.1.20")));

        assertThat(exchange.passedOn).isFalse();
        assertThat(exchange.status).isEqualTo(403);
        assertThat(exchange.headers).containsEntry("Content-Type", "application/json");
        assertThat(exchange.body).startsWith("{\"status\":\"FORBIDDEN\",\"message\":");
    }

    @Test
    void rejectsClientWithoutTcpAddress() {
        Exchange exchange = new Exchange();
        new LoopbackFilter().filter(exchange.context(SocketAddress.domainSocketAddress("/run/engine.sock")));

        assertThat(exchange.passedOn).isFalse();
        assertThat(exchange.status).isEqualTo(403);
    }

    @Test
    void rejectsDnsRebindingFromLoopbackPeerWithForeignHostName() {
        SocketAddress loopback = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
        for (String foreign : new String[] {"evil.example", "evil.example:8080", "localhost.evil.example:8080",
                "127.0.0.1.nip.io", "localhost:8080:1", "[::1]x", "", null}) {
            Exchange exchange = new Exchange();
            new LoopbackFilter().filter(exchange.context(loopback, foreign));
            assertThat(exchange.passedOn).as("Host %s", foreign).isFalse();
            assertThat(exchange.status).isEqualTo(403);
        }
    }

    @Test
    void passesLoopbackHostNamesWithOrWithoutPort() {
        SocketAddress loopback = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
        for (String name : new String[] {"localhost", "LOCALHOST:8080", "127.0.0.1:8080", "127.0.0.2", "[::1]:8080",
                "[::1]"}) {
            Exchange exchange = new Exchange();
            new LoopbackFilter().filter(exchange.context(loopback, name));
            assertThat(exchange.passedOn).as("Host %s", name).isTrue();
        }
    }
}
