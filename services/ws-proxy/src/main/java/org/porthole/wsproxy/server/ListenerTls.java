package org.porthole.wsproxy.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.porthole.config.ConfigException;

/** The wss listener's TLS context from {@code porthole.proxy.tls-cert} / {@code .tls-key}. */
final class ListenerTls {

    private ListenerTls() {
    }

    /** The server context, or {@code null} when the listener is plain ws. */
    static SslContext of(ProxyConfig config) {
        if (!config.tls()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(config.tlsCert().get().toFile(), config.tlsKey().get().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(ProxyConfig.KEY_TLS_CERT, "cannot load the listener certificate "
                    + config.tlsCert().get() + " with its key (PEM, PKCS#8 key expected): " + e.getMessage());
        }
    }
}
