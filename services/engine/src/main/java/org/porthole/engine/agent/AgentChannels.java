package org.porthole.engine.agent;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.porthole.config.Settings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

/**
 * One gRPC channel per host agent, with mutual TLS: the engine presents its certificate (role
 * {@code engine}) from the Porthole CA (or the files named by {@code porthole.tls.*}) and accepts
 * an agent only when that CA issued its certificate for the host id dialled (its host name and its
 * role URI {@code urn:porthole:host-agent:<host-id>}), so no other agent or service can answer in
 * its place.
 *
 * <p>Thread-safe: channels are created once per host id and shared by every caller.
 */
@ApplicationScoped
public class AgentChannels {

  private static final Logger LOG = Logger.getLogger(AgentChannels.class);

  /** An idle channel drops its connection, so agents that went away are not retried forever. */
  private static final long IDLE_MINUTES = 1;

  private static final String[] TLS_KEYS = {
    "porthole.pki.dir", "porthole.tls.ca", "porthole.tls.cert", "porthole.tls.key"
  };

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile TlsFiles tls;

  /** The channel to {@code hostId}; the host id must have passed {@link HostIds#isValid}. */
  public ManagedChannel channel(String hostId) {
    if (!HostIds.isValid(hostId)) {
      throw new IllegalArgumentException("not a host id (host:port)");
    }
    return channels.computeIfAbsent(
        hostId,
        id ->
            Grpc.newChannelBuilder(id, credentials(id))
                .idleTimeout(IDLE_MINUTES, TimeUnit.MINUTES)
                .build());
  }

  private ChannelCredentials credentials(String hostId) {
    TlsFiles current = tls;
    if (current == null) {
      synchronized (this) {
        if (tls == null) {
          tls = TlsFiles.resolve(tlsSettings(), ServiceIdentity.engine());
        }
        current = tls;
      }
    }
    return current.channelCredentials(ServiceIdentity.hostAgent(hostId));
  }

  /**
   * The porthole.* TLS keys as Quarkus config sees them (properties, env, application.properties).
   */
  private static Settings tlsSettings() {
    Config config = ConfigProvider.getConfig();
    Map<String, String> values = new HashMap<>();
    for (String key : TLS_KEYS) {
      config.getOptionalValue(key, String.class).ifPresent(value -> values.put(key, value));
    }
    return Settings.of(values);
  }

  void shutdown(@Observes ShutdownEvent event) {
    channels.values().forEach(ManagedChannel::shutdown);
    for (Map.Entry<String, ManagedChannel> entry : channels.entrySet()) {
      try {
        if (!entry.getValue().awaitTermination(2, TimeUnit.SECONDS)) {
          entry.getValue().shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        entry.getValue().shutdownNow();
      }
    }
    LOG.debugf("closed %d host agent channels", channels.size());
    channels.clear();
  }
}
