package org.porthole.stack.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.porthole.kafka.KafkaClientSettings;

/**
 * A client on another network, run by {@link ExtraAddressIT} inside a network namespace (as a pod
 * runs): it reaches the stack through the extra address only, and prints one {@code key=value} line
 * per fact it saw. Passwords come from files, never from the command line.
 *
 * <p>Arguments: {@code <extra address> <postgres port> <postgres password file> <kafka bootstrap>
 * <kafka admin user> <kafka password file> <keycloak https realm URL> <CA file> <port that must
 * stay loopback-only>...}
 */
public final class PodClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private PodClient() {}

  public static void main(String[] args) throws Exception {
    // Only the facts on stdout: the clients' configuration dumps stay out of the test's output.
    Logger root = Logger.getLogger("");
    root.setLevel(Level.WARNING);
    for (Handler h : root.getHandlers()) {
      h.setLevel(Level.WARNING);
    }
    String host = args[0];
    postgres(host, Integer.parseInt(args[1]), Path.of(args[2]));
    kafka(args[3], args[4], Path.of(args[5]));
    keycloak(args[6], Path.of(args[7]));
    for (int i = 8; i < args.length; i++) {
      System.out.println("closed." + args[i] + "=" + refused(host, Integer.parseInt(args[i])));
    }
    System.out.flush();
    System.exit(0);
  }

  private static void postgres(String host, int port, Path passwordFile) throws IOException {
    String url = "jdbc:postgresql://" + host + ":" + port + "/porthole";
    String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    try (Connection c = DriverManager.getConnection(url, "porthole", password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT host(inet_client_addr())")) {
      rs.next();
      System.out.println("postgres.client=" + rs.getString(1));
    } catch (SQLException e) {
      System.out.println("postgres.client=failed " + e.getSQLState() + " " + e.getMessage());
    }
    try {
      DriverManager.getConnection(url, "porthole", "not-the-password").close();
      System.out.println("postgres.wrong-password=accepted");
    } catch (SQLException e) {
      System.out.println("postgres.wrong-password=" + e.getSQLState());
    }
  }

  private static void kafka(String bootstrap, String user, Path passwordFile) throws Exception {
    Map<String, Object> config =
        KafkaClientSettings.plaintext(bootstrap, user, passwordFile).clientProperties("pod");
    String topic = "pod-" + UUID.randomUUID();
    String value = "from-the-pod-" + UUID.randomUUID();
    try (Admin admin = Admin.create(config)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      System.out.println(
          "kafka.advertised=" + admin.describeCluster().nodes().get().iterator().next().host());
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", value)).get();
    }
    Properties consumerConfig = new Properties();
    consumerConfig.putAll(config);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "pod-" + UUID.randomUUID());
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(1));
        if (!records.isEmpty()) {
          String got = records.iterator().next().value();
          System.out.println("kafka.consumed=" + (got.equals(value) ? "same" : "other:" + got));
          return;
        }
      }
      System.out.println("kafka.consumed=nothing within " + TIMEOUT);
    }
  }

  private static void keycloak(String realmUrl, Path caFile) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(caFile))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(realmUrl + "/.well-known/openid-configuration"))
                .timeout(TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println("keycloak.status=" + r.statusCode());
    var doc = new ObjectMapper().readTree(r.body());
    System.out.println("keycloak.issuer=" + doc.path("issuer").asText());
    System.out.println("keycloak.jwks=" + doc.path("jwks_uri").asText());
    System.out.println("keycloak.token=" + doc.path("token_endpoint").asText());
  }

  static SSLContext trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = new FileInputStream(caFile.toFile())) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static String refused(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5_000);
      return "open";
    } catch (IOException e) {
      return "refused";
    }
  }
}
