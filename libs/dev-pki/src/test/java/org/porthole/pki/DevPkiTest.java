package org.porthole.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPkiTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;
  private static final int SAN_IP = 7;
  private static final ServiceIdentity AGENT = ServiceIdentity.hostAgent("kvm1.example:9443");

  @TempDir Path tmp;

  @Test
  void ensureTwiceGivesTheSameCaAndCertificate() throws Exception {
    Path dir = tmp.resolve("pki");
    TlsFiles first = DevPki.ensure(dir, AGENT);
    byte[] ca = Files.readAllBytes(first.caCert());
    byte[] leaf = Files.readAllBytes(first.certChain());
    TlsFiles second = DevPki.ensure(dir, AGENT);
    assertEquals(first, second);
    assertArrayEquals(ca, Files.readAllBytes(second.caCert()));
    assertArrayEquals(leaf, Files.readAllBytes(second.certChain()));

    TlsFiles other = DevPki.ensure(dir, ServiceIdentity.wsProxy());
    assertArrayEquals(ca, Files.readAllBytes(other.caCert()), "a second service shares the CA");
    Pem.readCertificate(other.certChain())
        .verify(Pem.readCertificate(first.caCert()).getPublicKey());
  }

  @Test
  void writesTheDocumentedFilesWithPrivatePermissions() throws Exception {
    Path dir = tmp.resolve("pki");
    TlsFiles files = DevPki.ensure(dir, ServiceIdentity.engine());
    assertEquals(dir.resolve("ca.pem"), files.caCert());
    assertEquals(dir.resolve("engine.pem"), files.certChain());
    assertEquals(dir.resolve("engine.key"), files.privateKey());
    assertTrue(Files.exists(dir.resolve("ca.key")));
    assertTrue(Pem.posix(), "the development PKI is meant for POSIX file systems");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey())));
    String key = Files.readString(files.privateKey(), StandardCharsets.US_ASCII);
    assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n"), key.substring(0, 30));
    PrivateKey parsed = Pem.readPrivateKey(files.privateKey());
    assertEquals(256, ((ECPrivateKey) parsed).getParams().getOrder().bitLength());
  }

  @Test
  void hostAgentLeafIsServerOnlyAndNamesItsHostAndHostId() throws Exception {
    TlsFiles files = DevPki.ensure(tmp, AGENT);
    assertEquals(tmp.resolve("host-agent-kvm1-example-9443.pem"), files.certChain());
    X509Certificate leaf = Pem.readCertificate(files.certChain());
    X509Certificate ca = Pem.readCertificate(files.caCert());
    assertEquals(List.of(SERVER_AUTH), leaf.getExtendedKeyUsage());
    assertEquals(-1, leaf.getBasicConstraints(), "a leaf must not be a CA");
    assertTrue(ca.getBasicConstraints() >= 0);
    assertEquals(
        Set.of(
            List.of(SAN_URI, "urn:porthole:host-agent:kvm1.example:9443"),
            List.of(SAN_DNS, "kvm1.example")),
        new HashSet<>(leaf.getSubjectAlternativeNames()));
    assertEquals(AGENT, ServiceIdentity.of(leaf).orElseThrow());
    assertEquals("SHA256withECDSA", leaf.getSigAlgName());
    assertValidity(leaf, Duration.ofDays(365));
    assertValidity(ca, Duration.ofDays(3650));
  }

  @Test
  void hostAgentOnAnIpAddressGetsAnIpAddressName() throws Exception {
    X509Certificate v4 =
        Pem.readCertificate(
            DevPki.ensure(tmp, ServiceIdentity.hostAgent("127.0.0.1:9443")).certChain());
    assertTrue(v4.getSubjectAlternativeNames().contains(List.of(SAN_IP, "127.0.0.1")));
    ServiceIdentity v6 = ServiceIdentity.hostAgent("[::1]:9443");
    X509Certificate leaf = Pem.readCertificate(DevPki.ensure(tmp, v6).certChain());
    assertTrue(leaf.getSubjectAlternativeNames().contains(List.of(SAN_IP, "0:0:0:0:0:0:0:1")));
    assertTrue(
        leaf.getSubjectAlternativeNames()
            .contains(List.of(SAN_URI, "urn:porthole:host-agent:%5B::1%5D:9443")));
    assertEquals(v6, ServiceIdentity.of(leaf).orElseThrow());
  }

  @Test
  void engineAndWsProxyLeavesAreClientOnlyAndNameOnlyTheirRole() throws Exception {
    for (ServiceIdentity client : List.of(ServiceIdentity.engine(), ServiceIdentity.wsProxy())) {
      X509Certificate leaf = Pem.readCertificate(DevPki.ensure(tmp, client).certChain());
      assertEquals(List.of(CLIENT_AUTH), leaf.getExtendedKeyUsage(), client.toString());
      assertEquals(
          List.of(List.of(SAN_URI, client.uri())), List.copyOf(leaf.getSubjectAlternativeNames()));
      assertEquals(client, ServiceIdentity.of(leaf).orElseThrow());
    }
    assertEquals(
        tmp.resolve("ws-proxy.pem"), DevPki.ensure(tmp, ServiceIdentity.wsProxy()).certChain());
  }

  @Test
  void reissuesLeafThatNamesAnotherIdentity() throws Exception {
    TlsFiles agent = DevPki.ensure(tmp, AGENT);
    TlsFiles engine = DevPki.ensure(tmp, ServiceIdentity.engine());
    Files.copy(
        agent.certChain(), engine.certChain(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        agent.privateKey(), engine.privateKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DevPki.ensure(tmp, ServiceIdentity.engine());
    assertEquals(
        ServiceIdentity.engine(),
        ServiceIdentity.of(Pem.readCertificate(engine.certChain())).orElseThrow());
  }

  @Test
  void regeneratesMissingLeafButKeepsCa() throws Exception {
    TlsFiles files = DevPki.ensure(tmp, ServiceIdentity.engine());
    byte[] ca = Files.readAllBytes(files.caCert());
    byte[] leaf = Files.readAllBytes(files.certChain());
    Files.delete(files.certChain());
    DevPki.ensure(tmp, ServiceIdentity.engine());
    assertArrayEquals(ca, Files.readAllBytes(files.caCert()));
    assertNotEquals(
        new String(leaf, StandardCharsets.US_ASCII), Files.readString(files.certChain()));
  }

  @Test
  void regeneratesLeafExpiringWithin7Days() throws Exception {
    TlsFiles files = DevPki.ensure(tmp, ServiceIdentity.engine());
    X509Certificate ca = Pem.readCertificate(files.caCert());
    PrivateKey caKey = Pem.readPrivateKey(tmp.resolve("ca.key"));
    KeyPair pair = CertificateIssuer.newKeyPair();
    Instant issuedLongAgo =
        Instant.now().minus(CertificateIssuer.LEAF_VALIDITY).plus(Duration.ofDays(3));
    X509Certificate old =
        CertificateIssuer.leaf(
            ServiceIdentity.engine(), pair.getPublic(), ca, caKey, issuedLongAgo);
    Pem.writeAtomically(files.certChain(), Pem.certificate(old), "rw-r--r--");
    Pem.writeAtomically(files.privateKey(), Pem.privateKey(pair.getPrivate()), "rw-------");

    DevPki.ensure(tmp, ServiceIdentity.engine());
    X509Certificate renewed = Pem.readCertificate(files.certChain());
    assertTrue(renewed.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(300))));
  }

  @Test
  void replacesLeafIssuedByAnotherCaOrCorrupt() throws Exception {
    TlsFiles foreign = DevPki.ensure(tmp.resolve("other"), ServiceIdentity.engine());
    TlsFiles files = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine());
    Files.copy(
        foreign.certChain(), files.certChain(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        foreign.privateKey(),
        files.privateKey(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine());
    X509Certificate ca = Pem.readCertificate(files.caCert());
    Pem.readCertificate(files.certChain()).verify(ca.getPublicKey());

    Files.writeString(files.certChain(), "garbage");
    Files.writeString(
        files.privateKey(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine());
    Pem.readCertificate(files.certChain()).verify(ca.getPublicKey());
    Pem.readPrivateKey(files.privateKey());
  }

  @Test
  void replacesLeafWhoseKeyDoesNotMatch() throws Exception {
    TlsFiles files = DevPki.ensure(tmp, ServiceIdentity.engine());
    Pem.writeAtomically(
        files.privateKey(),
        Pem.privateKey(CertificateIssuer.newKeyPair().getPrivate()),
        "rw-------");
    byte[] before = Files.readAllBytes(files.certChain());
    DevPki.ensure(tmp, ServiceIdentity.engine());
    assertTrue(!java.util.Arrays.equals(before, Files.readAllBytes(files.certChain())));
  }

  @Test
  void refusesHostIdsThatEscapeTheDirectoryOrAreNotHostAndPort() {
    for (String id :
        List.of(
            "",
            "../etc:1",
            "a/b:1",
            "host",
            "host:0",
            "host:65536",
            "-a:1",
            "a b:1",
            "[zz]:1",
            "x".repeat(256) + ":1")) {
      assertThrows(IllegalArgumentException.class, () -> ServiceIdentity.hostAgent(id), id);
    }
    assertThrows(NullPointerException.class, () -> DevPki.ensure(tmp, null));
  }

  @Test
  void concurrentThreadsProduceOneCa() throws Exception {
    Path dir = tmp.resolve("pki");
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<TlsFiles>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ServiceIdentity service = ServiceIdentity.hostAgent("svc-" + i + ":9443");
        Callable<TlsFiles> task =
            () -> {
              start.await();
              return DevPki.ensure(dir, service);
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      X509Certificate ca = null;
      for (Future<TlsFiles> result : results) {
        TlsFiles files = result.get(60, TimeUnit.SECONDS);
        ca = ca == null ? Pem.readCertificate(files.caCert()) : ca;
        Pem.readCertificate(files.certChain()).verify(ca.getPublicKey());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentProcessesProduceOneCa() throws Exception {
    Path dir = tmp.resolve("pki");
    Path go = tmp.resolve("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  EnsureMain.class.getName(),
                  dir.toString(),
                  "proc-" + i + ":1",
                  go.toString())
              .redirectErrorStream(true)
              .start());
    }
    Thread.sleep(1000);
    Files.createFile(go);
    Set<String> serials = new HashSet<>();
    for (Process process : processes) {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ensure process did not finish in 60 s");
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), output);
      String[] lines = output.strip().split("\n");
      serials.add(lines[lines.length - 1].strip());
    }
    assertEquals(1, serials.size(), "processes saw different CAs: " + serials);
    assertEquals(
        serials.iterator().next(),
        Pem.readCertificate(dir.resolve("ca.pem")).getSerialNumber().toString());
    for (int i = 0; i < 3; i++) {
      Pem.readCertificate(dir.resolve("host-agent-proc-" + i + "-1.pem"))
          .verify(Pem.readCertificate(dir.resolve("ca.pem")).getPublicKey());
    }
  }

  private static void assertValidity(X509Certificate cert, Duration validity) {
    long seconds =
        Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant())
            .toSeconds();
    long expected = validity.plusHours(1).toSeconds();
    assertTrue(
        Math.abs(seconds - expected) <= 2,
        cert.getSubjectX500Principal() + " valid " + seconds + " s");
  }
}
