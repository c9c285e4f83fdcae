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
 * role: its TLS files from the development PKI as {@code tls/{tls.crt,tls.key,ca.crt}}, its Kafka
 * password as {@code kafka/password} and, for a Kerberos service, {@code
 * kerberos/{krb5.conf,keytab}}, owned by the uid the service runs as (keys are 0600).
 */
public final class MountedFiles {
  public static final String TLS_DIR = "/etc/porthole/tls";
  public static final String KAFKA_DIR = "/etc/porthole/kafka";
  public static final String KERBEROS_DIR = "/etc/porthole/kerberos";

  private final Path tls;
  private final Path kafka;

  private MountedFiles(Path tls, Path kafka) {
    this.tls = tls;
    this.kafka = kafka;
  }

  /**
   * Files for {@code identity} under {@code dir}, the CA from {@code pki}, owned by {@code uid};
   * the Kafka password is a placeholder (for a service pointed where no broker listens).
   */
  public static MountedFiles create(Path pki, ServiceIdentity identity, Path dir, int uid)
      throws IOException {
    Path placeholder = Files.createDirectories(dir).resolve("placeholder.password");
    // No broker listens where these services are pointed: they start without one (events wait).
    Files.writeString(placeholder, "not-a-broker-password", StandardCharsets.UTF_8);
    return create(pki, identity, dir, uid, placeholder);
  }

  /**
   * Files for {@code identity} under {@code dir}, the CA from {@code pki}, and the Kafka password
   * of a real broker's user copied from {@code kafkaPassword}, all owned by {@code uid}.
   */
  public static MountedFiles create(
      Path pki, ServiceIdentity identity, Path dir, int uid, Path kafkaPassword)
      throws IOException {
    TlsFiles files = DevPki.ensure(pki, identity);
    Path tls = Files.createDirectories(dir.resolve("tls"));
    copy(files.caCert(), tls.resolve("ca.crt"), uid, "rw-r--r--");
    copy(files.certChain(), tls.resolve("tls.crt"), uid, "rw-r--r--");
    copy(files.privateKey(), tls.resolve("tls.key"), uid, "rw-------");
    Path kafka = Files.createDirectories(dir.resolve("kafka"));
    copy(kafkaPassword, kafka.resolve("password"), uid, "rw-------");
    own(tls, uid, "rwxr-xr-x");
    own(kafka, uid, "rwxr-xr-x");
    return new MountedFiles(tls, kafka);
  }

  /**
   * A Kerberos service's files, to mount at {@link #KERBEROS_DIR}: {@code krb5.conf} and {@code
   * keytab} (0600) under {@code dir}, owned by {@code uid}; returns {@code dir}.
   */
  public static Path kerberos(Path dir, Path krb5Conf, Path keytab, int uid) throws IOException {
    Files.createDirectories(dir);
    copy(krb5Conf, dir.resolve("krb5.conf"), uid, "rw-r--r--");
    copy(keytab, dir.resolve("keytab"), uid, "rw-------");
    own(dir, uid, "rwxr-xr-x");
    return dir;
  }

  public Path tlsDir() {
    return tls;
  }

  public Path kafkaDir() {
    return kafka;
  }

  /** The service's environment for these files (libs/config's PORTHOLE_* names). */
  public static Map<String, String> environment(String kafkaBootstrap, String kafkaUser) {
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
