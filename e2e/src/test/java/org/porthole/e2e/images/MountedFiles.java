package org.porthole.e2e.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

/**
 * The files a service reads from {@code /etc/porthole/} in a cluster, made on the host for one
 * role: its TLS files from the development PKI as {@code tls/{tls.crt,tls.key,ca.crt}} and its
 * Kafka password as {@code kafka/password}, owned by the uid the service runs as (keys are 0600).
 */
final class MountedFiles {
  static final String TLS_DIR = "/etc/porthole/tls";
  static final String KAFKA_DIR = "/etc/porthole/kafka";

  private final Path tls;
  private final Path kafka;

  private MountedFiles(Path tls, Path kafka) {
    this.tls = tls;
    this.kafka = kafka;
  }

  /**
   * Files for {@code identity} under {@code dir}, the CA from {@code pki}, owned by {@code uid}.
   */
  static MountedFiles create(Path pki, ServiceIdentity identity, Path dir, int uid)
      throws IOException {
    TlsFiles files = DevPki.ensure(pki, identity);
    Path tls = Files.createDirectories(dir.resolve("tls"));
    copy(files.caCert(), tls.resolve("ca.crt"), uid, "rw-r--r--");
    copy(files.certChain(), tls.resolve("tls.crt"), uid, "rw-r--r--");
    copy(files.privateKey(), tls.resolve("tls.key"), uid, "rw-------");
    Path kafka = Files.createDirectories(dir.resolve("kafka"));
    Path password = kafka.resolve("password");
    // No broker listens where these services are pointed: they start without one (events wait).
    Files.writeString(password, "not-a-broker-password", StandardCharsets.UTF_8);
    own(password, uid, "rw-------");
    own(tls, uid, "rwxr-xr-x");
    own(kafka, uid, "rwxr-xr-x");
    return new MountedFiles(tls, kafka);
  }

  Path tlsDir() {
    return tls;
  }

  Path kafkaDir() {
    return kafka;
  }

  /** The service's environment for these files (libs/config's PORTHOLE_* names). */
  static Map<String, String> environment(String kafkaBootstrap, String kafkaUser) {
    return Map.of(
        "PORTHOLE_TLS_CA", TLS_DIR + "/ca.crt",
        "PORTHOLE_TLS_CERT", TLS_DIR + "/tls.crt",
        "PORTHOLE_TLS_KEY", TLS_DIR + "/tls.key",
        "PORTHOLE_KAFKA_BOOTSTRAP", kafkaBootstrap,
        "PORTHOLE_KAFKA_USER", kafkaUser,
        "PORTHOLE_KAFKA_PASSWORD_FILE", KAFKA_DIR + "/password");
  }

  private static void copy(Path from, Path to, int uid, String mode) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    own(to, uid, mode);
  }

  private static void own(Path path, int uid, String mode) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    Files.setAttribute(path, "unix:uid", uid);
    Files.setAttribute(path, "unix:gid", uid);
  }
}
