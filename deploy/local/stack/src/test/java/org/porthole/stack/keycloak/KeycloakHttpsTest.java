package org.porthole.stack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.ExtraAddress;

class KeycloakHttpsTest {

  @Test
  void oneIssuerOnTheExtraAddressWithBackChannelUrlsPerClient() throws Exception {
    ExtraAddress extra = new ExtraAddress((Inet4Address) InetAddress.getByName("10.213.0.1"), 24);
    KeycloakHttps https = new KeycloakHttps(Path.of("/pki"), 8543, Optional.of(extra));
    assertThat(https.issuerBase()).isEqualTo("https://10.213.0.1:8543");
    assertThat(https.server().hosts()).containsExactly("10.213.0.1", "localhost", "127.0.0.1");
    TlsFiles tls =
        new TlsFiles(Path.of("/pki/ca.pem"), Path.of("/pki/k.pem"), Path.of("/pki/k.key"));
    assertThat(Keycloak.httpsOptions(https, tls))
        .containsExactly(
            "--https-port=8543",
            "--https-certificate-file=/pki/k.pem",
            "--https-certificate-key-file=/pki/k.key",
            "--hostname=https://10.213.0.1:8543",
            "--hostname-backchannel-dynamic=true");
  }

  @Test
  void withoutAnExtraAddressTheIssuerIsLocalhost() {
    KeycloakHttps https = new KeycloakHttps(Path.of("/pki"), 8543, Optional.empty());
    assertThat(https.issuerBase()).isEqualTo("https://localhost:8543");
    assertThat(https.server().hosts()).isEqualTo(List.of("localhost", "127.0.0.1"));
  }
}
