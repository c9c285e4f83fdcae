package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;

class KeycloakTrustTest {

  @TempDir Path tmp;

  @Test
  void unsetKeepsTheJvmDefaults() {
    assertThat(KeycloakTrust.sslContext(Optional.empty())).isEmpty();
    assertThat(KeycloakTrust.sslContext(Optional.of(" "))).isEmpty();
  }

  @Test
  void trustsThePemCaItNames() {
    Path ca = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine()).caCert();
    assertThat(KeycloakTrust.sslContext(Optional.of(ca.toString()))).isPresent();
  }

  @Test
  void refusesAMissingOrEmptyCaFileNamingTheKey() throws Exception {
    assertThatThrownBy(
            () -> KeycloakTrust.sslContext(Optional.of(tmp.resolve("none.pem").toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("porthole.oidc.ca-file");
    Path empty = Files.writeString(tmp.resolve("empty.pem"), "not a certificate\n");
    assertThatThrownBy(() -> KeycloakTrust.sslContext(Optional.of(empty.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("porthole.oidc.ca-file");
  }
}
