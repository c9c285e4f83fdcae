package org.porthole.hostagent;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.porthole.config.Settings;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;

/**
 * The whole agent as {@code java -jar} runs it, in this JVM, for integration tests: the engine's
 * JWKS (the test keys of {@link TokenMint}) served over HTTP, the development PKI in {@code
 * dir/pki}, mutual TLS, and client channels with the engine's or the ws-proxy's certificate (the
 * agent authorizes each method by the caller's role). The agent can be stopped and started again
 * (another port, another Kafka).
 */
final class RunningAgent implements AutoCloseable {
  private final Path dir;
  private final JwksServer jwks;
  private HostAgent agent;
  private int port;

  private RunningAgent(Path dir, JwksServer jwks) {
    this.dir = dir;
    this.jwks = jwks;
  }

  /** Serves the JWKS of {@code tokens}; {@link #start} starts the agent. */
  static RunningAgent withJwksOf(Path dir, TokenMint tokens) throws IOException {
    return new RunningAgent(dir, JwksServer.start(tokens));
  }

  /** Starts the agent on a free port, publishing to {@code kafka} as its host's own Kafka user. */
  HostAgent start(KafkaBroker kafka) throws Exception {
    return start(kafka, Map.of());
  }

  /** {@link #start(KafkaBroker)} with more settings (e.g. another libvirt URI). */
  HostAgent start(KafkaBroker kafka, Map<String, String> more) throws Exception {
    port = Ports.free();
    return launch(kafka.access().hostAgent(hostId()), more);
  }

  /** Starts the agent on a free port with no broker where its Kafka settings point. */
  HostAgent startWithoutKafka() throws Exception {
    port = Ports.free();
    Path password = dir.resolve("no-kafka.password");
    Files.writeString(password, "unused");
    return launch(
        KafkaClientSettings.plaintext("127.0.0.1:" + Ports.free(), "nobody", password), Map.of());
  }

  private HostAgent launch(KafkaClientSettings kafka, Map<String, String> more) throws Exception {
    Map<String, String> s = new HashMap<>(kafka.asSettings());
    s.put("porthole.agent.port", Integer.toString(port));
    s.put("porthole.agent.admin-port", "0");
    s.put("porthole.pki.dir", dir.resolve("pki").toString());
    s.put("porthole.jwks.url", jwks.url().toString());
    s.putAll(more);
    agent = HostAgent.start(Settings.of(s));
    return agent;
  }

  /** Stops the agent (GOODBYE, consoles ended); the JWKS keeps serving. */
  void stop() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }

  HostAgent agent() {
    return agent;
  }

  /** The host id tokens must name: {@code localhost:<port>}. */
  String hostId() {
    return "localhost:" + port;
  }

  /** Settings that locate the development PKI, for client certificates. */
  Settings pki() {
    return Settings.of(Map.of("porthole.pki.dir", dir.resolve("pki").toString()));
  }

  /** A channel presenting the engine's certificate: for every unary call. */
  ManagedChannel engineChannel() {
    return channel(credentials(ServiceIdentity.engine()));
  }

  /** A channel presenting the ws-proxy's certificate: for OpenConsole. */
  ManagedChannel proxyChannel() {
    return channel(credentials(ServiceIdentity.wsProxy()));
  }

  /** Client credentials of {@code caller} from the agent's PKI, accepting only this agent. */
  ChannelCredentials credentials(ServiceIdentity caller) {
    return TlsFiles.resolve(pki(), caller).channelCredentials(ServiceIdentity.hostAgent(hostId()));
  }

  ManagedChannel channel(ChannelCredentials credentials) {
    return Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
  }

  @Override
  public void close() {
    stop();
    jwks.close();
  }
}
