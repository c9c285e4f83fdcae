package org.porthole.wsproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

class ListenerTlsTest {

  @TempDir Path dir;

  @Test
  void wssListenerRefusesTls10And11() {
    TlsFiles files = DevPki.ensure(dir, ServiceIdentity.hostAgent("localhost:8081"));
    ProxyConfig config =
        ProxyConfig.from(
            Settings.of(
                Map.of(
                    ProxyConfig.KEY_TLS_CERT, files.certChain().toString(),
                    ProxyConfig.KEY_TLS_KEY, files.privateKey().toString())));
    SSLEngine engine = ListenerTls.of(config).newEngine(ByteBufAllocator.DEFAULT);
    assertThat(Arrays.stream(engine.getEnabledProtocols()).filter(p -> !p.equals("SSLv2Hello")))
        .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    assertThat(System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation")).isEqualTo("true");
  }
}
