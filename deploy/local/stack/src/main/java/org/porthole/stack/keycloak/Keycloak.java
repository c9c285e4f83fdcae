package org.porthole.stack.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.porthole.pki.DevPki;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.host.Sleep;
import org.porthole.stack.host.TcpForwarder;
import org.porthole.stack.kerberos.Kdc;

/**
 * A real Keycloak from its server distribution ({@code org.keycloak:keycloak-quarkus-dist}, a zip
 * that Maven resolves for this module), run with {@code kc.sh start-dev} on a loopback port with
 * Porthole's realm imported and its Kerberos user federation pointed at a {@link Kdc}. The
 * distribution is unpacked once into the state directory and reused, its H2 data with it, so only
 * the first start pays for Keycloak's build step. Stopping sends SIGTERM. With {@link
 * KeycloakHttps} it serves https as well, with one issuer for every client.
 */
public final class Keycloak implements AutoCloseable {
  /** The realm Porthole ships in deploy/local/keycloak/porthole-realm.json. */
  public static final String REALM = "porthole";

  /**
   * The master realm's bootstrap administrator; the password is in {@link #adminPasswordFile()}.
   */
  public static final String ADMIN_USER = "kcadmin";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
  private static final String DIST_PROPERTIES = "keycloak-dist.properties";

  private final ChildProcess process;
  private final Path dir;
  private final int port;
  private final Optional<KeycloakHttps> https;
  private final Optional<TlsFiles> tls;
  private TcpForwarder forwarder;

  private Keycloak(
      ChildProcess process,
      Path dir,
      int port,
      Optional<KeycloakHttps> https,
      Optional<TlsFiles> tls) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.https = https;
    this.tls = tls;
  }

  /**
   * Starts Keycloak on 127.0.0.1:{@code port} with its distribution and data under {@code dir},
   * importing {@code realmJson} when the realm is new, and waits until the realm answers.
   */
  public static Keycloak start(Path dir, int port, Path realmJson, Kdc kdc, Path logDir)
      throws IOException {
    return start(dir, port, realmJson, kdc, logDir, Optional.empty());
  }

  /**
   * As {@link #start(Path, int, Path, Kdc, Path)}, serving https as well when {@code https} is set
   * ({@link KeycloakHttps}): then every issuer is {@link #issuerUrl()}.
   */
  public static Keycloak start(
      Path dir, int port, Path realmJson, Kdc kdc, Path logDir, Optional<KeycloakHttps> https)
      throws IOException {
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs);
    Path home = KeycloakDist.unpackOnce(distributionZip(), abs);
    Path imports = home.resolve("data/import");
    Files.createDirectories(imports);
    Files.copy(
        realmJson, imports.resolve("porthole-realm.json"), StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> env =
        Map.of(
            "JAVA_HOME", System.getProperty("java.home"),
            "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m",
            "JAVA_OPTS_APPEND", "-Djava.security.krb5.conf=" + kdc.krb5Conf(),
            "KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER,
            "KC_BOOTSTRAP_ADMIN_PASSWORD", Secrets.readOrCreate(abs.resolve("admin.password")),
            "PORTHOLE_KERBEROS_KEYTAB", kdc.keytab().toString(),
            "PORTHOLE_ENGINE_CLIENT_SECRET",
                Secrets.readOrCreate(abs.resolve("engine-client.secret")));
    List<String> command =
        new ArrayList<>(
            List.of(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--import-realm"));
    Optional<TlsFiles> tls = https.map(h -> DevPki.ensureWebServer(h.pkiDir(), h.server()));
    https.ifPresent(h -> command.addAll(httpsOptions(h, tls.get())));
    ChildProcess child =
        ChildProcess.start("keycloak", command, env, logDir.resolve("keycloak.log"));
    Keycloak keycloak = new Keycloak(child, abs, port, https, tls);
    try {
      keycloak.awaitReady();
      keycloak.forwardExtraAddress();
      KeycloakAdmin admin =
          KeycloakAdmin.signIn(
              "http://127.0.0.1:" + port,
              ADMIN_USER,
              Secrets.readOrCreate(abs.resolve("admin.password")));
      if (admin.enableKerberosInBrowserFlow(REALM)) {
        System.err.println("porthole: Keycloak's browser flow now tries Kerberos (SPNEGO) first");
      }
    } catch (RuntimeException | IOException e) {
      keycloak.close();
      throw e;
    }
    return keycloak;
  }

  /**
   * Keycloak binds one host for http and https, 127.0.0.1 here; the https port is forwarded from
   * the extra address, TLS still ended by Keycloak.
   */
  private void forwardExtraAddress() throws IOException {
    Optional<ExtraAddress> extra = https.flatMap(KeycloakHttps::extra);
    if (extra.isPresent()) {
      int httpsPort = https.get().port();
      forwarder = TcpForwarder.start(extra.get().address(), httpsPort, httpsPort);
    }
  }

  /**
   * https on the same host, a certificate of the development CA, and one issuer for every client:
   * the hostname is the public https URL; back-channel URLs follow the address a client used.
   */
  static List<String> httpsOptions(KeycloakHttps https, TlsFiles tls) {
    return List.of(
        "--https-port=" + https.port(),
        "--https-certificate-file=" + tls.certChain(),
        "--https-certificate-key-file=" + tls.privateKey(),
        "--hostname=" + https.issuerBase(),
        "--hostname-backchannel-dynamic=true");
  }

  /** The base URL, on {@code localhost} because SPNEGO asks for {@code HTTP/localhost}. */
  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /**
   * The porthole realm on loopback http, for the stack's own calls and tests. Without https it is
   * also the issuer; with https, tokens name {@link #issuerUrl()}.
   */
  public String realmUrl() {
    return baseUrl() + "/realms/" + REALM;
  }

  /**
   * The realm's issuer: with https, {@code https://<public host>:<https port>/realms/porthole},
   * which engines (also in pods, over the extra address) and browsers use; else {@link
   * #realmUrl()}.
   */
  public String issuerUrl() {
    return https.map(h -> h.issuerBase() + "/realms/" + REALM).orElseGet(this::realmUrl);
  }

  /** The CA that issued Keycloak's https certificate (PEM), when it serves https. */
  public Optional<Path> httpsCaFile() {
    return tls.map(TlsFiles::caCert);
  }

  /**
   * The base64 SHA-256 of Keycloak's https certificate's public key, when it serves https: what
   * Chromium's {@code --ignore-certificate-errors-spki-list} takes to trust it without the CA.
   */
  public Optional<String> httpsSpkiPin() throws IOException {
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(tls.get().certChain())) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      byte[] spki = cert.getPublicKey().getEncoded();
      return Optional.of(
          Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki)));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read " + tls.get().certChain() + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Enables or disables a user of the porthole realm (a disabled user cannot sign in). */
  public void setUserEnabled(String user, boolean enabled) throws IOException {
    admin().setUserEnabled(REALM, user, enabled);
  }

  /** Sets how long the porthole realm's access tokens live (Keycloak's default: 300 s). */
  public void setAccessTokenLifespan(int seconds) throws IOException {
    admin().setAccessTokenLifespan(REALM, seconds);
  }

  /**
   * An access token for {@code user} of the porthole realm by password grant through {@code
   * clientId}.
   */
  public String accessToken(String clientId, String user, String password) throws IOException {
    return KeycloakAdmin.passwordGrant(realmUrl(), clientId, user, password)
        .path("access_token")
        .asText();
  }

  /** Signs in to the admin REST API as the master realm's bootstrap administrator. */
  public KeycloakAdmin admin() throws IOException {
    return KeycloakAdmin.signIn(baseUrl(), ADMIN_USER, Secrets.readOrCreate(adminPasswordFile()));
  }

  /** The master realm admin's random password (0600), for a person at the admin console. */
  public Path adminPasswordFile() {
    return dir.resolve("admin.password");
  }

  /** The {@code porthole-engine} client's secret, random per state directory. */
  public String engineClientSecret() throws IOException {
    return Secrets.readOrCreate(dir.resolve("engine-client.secret"));
  }

  /** The zip Maven resolved (keycloak-dist.properties) or {@code -Dporthole.keycloak.zip}. */
  static Path distributionZip() throws IOException {
    String override = System.getProperty("porthole.keycloak.zip");
    if (override != null && !override.isBlank()) {
      return requireFile(Path.of(override));
    }
    Properties p = new Properties();
    try (InputStream in = Keycloak.class.getResourceAsStream(DIST_PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException(
            DIST_PROPERTIES
                + " is missing from the classpath: build deploy/local/stack with Maven");
      }
      p.load(in);
    }
    return requireFile(Path.of(p.getProperty("zip")));
  }

  private static Path requireFile(Path zip) {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException(
          "Keycloak's distribution is missing at "
              + zip
              + ": let Maven fetch it (./mvnw -pl deploy/local/stack dependency:resolve)"
              + " or set -Dporthole.keycloak.zip");
    }
    return zip;
  }

  /** Polls the realm's discovery document, telling how long it has waited every 10 s. */
  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI discovery =
        URI.create(
            "http://127.0.0.1:" + port + "/realms/" + REALM + "/.well-known/openid-configuration");
    Instant start = Instant.now();
    Instant nextProgress = start.plus(PROGRESS_EVERY);
    while (true) {
      process.checkAlive();
      if (answers(http, discovery)) {
        return;
      }
      Instant now = Instant.now();
      if (now.isAfter(start.plus(START_TIMEOUT))) {
        throw new IllegalStateException(
            "Keycloak did not serve realm '"
                + REALM
                + "' within "
                + START_TIMEOUT
                + "; last log lines:\n"
                + process.tail(40));
      }
      if (now.isAfter(nextProgress)) {
        System.err.println(
            "porthole: waiting for Keycloak on port "
                + port
                + " ("
                + Duration.between(start, now).toSeconds()
                + " s; the first start builds it and takes about a minute)");
        nextProgress = nextProgress.plus(PROGRESS_EVERY);
      }
      Sleep.millis(500);
    }
  }

  private static boolean answers(HttpClient http, URI uri) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Keycloak", e);
    }
  }

  /** Stops Keycloak with SIGTERM (then a kill after a grace period); its data stays. */
  @Override
  public void close() {
    if (forwarder != null) {
      forwarder.close();
    }
    process.close();
  }
}
