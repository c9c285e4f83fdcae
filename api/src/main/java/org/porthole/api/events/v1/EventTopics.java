package org.porthole.api.events.v1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka topic names of {@code porthole.events.v1} (docs/contracts.md, "Kafka"), the one place
 * producers, consumers and the broker's ACLs take them from.
 *
 * <p>Each host agent produces to topics of its own, {@code porthole.host.<host key>.<stream>.v1},
 * so the broker's ACLs can let it write its own events and no other host's, and the engine knows
 * from the topic alone which host an event came from. The host key is the host id with every
 * character outside {@code [A-Za-z0-9-]} written as {@code _} and two hex digits per UTF-8 byte: an
 * injective encoding without dots, so no host's topic name is another host's.
 */
public final class EventTopics {

  /** The per-host event streams, each with its own message type. */
  public enum Stream {
    /** {@link GraphicsEvent}, keyed by VM UUID. */
    GRAPHICS("graphics"),
    /** {@link LifecycleEvent}, keyed by VM UUID. */
    LIFECYCLE("lifecycle"),
    /** {@link HostEvent}, keyed by host id. */
    HOSTS("hosts"),
    /** {@link GuestEvent}, keyed by VM UUID. */
    GUESTS("guests");

    private final String word;

    Stream(String word) {
      this.word = word;
    }

    /** The stream's word in topic names. */
    public String word() {
      return word;
    }
  }

  /** Every per-host topic starts so; the engine reads them all (a prefixed ACL). */
  public static final String HOST_TOPIC_PREFIX = "porthole.host.";

  /** {@link AuditEvent}s, produced by the engine alone. */
  public static final String AUDIT = "porthole.audit.v1";

  /** {@link ConsoleRefusal}s, produced by the ws-proxy and the host agents, read by the engine. */
  public static final String REFUSALS = "porthole.refusals.v1";

  /** The engine's consumer group. */
  public static final String ENGINE_GROUP = "porthole-engine";

  /** Topics are created with 3 partitions (replication 1 on one machine). */
  public static final int PARTITIONS = 3;

  private static final int MAX_TOPIC_LENGTH = 249;
  private static final String VERSION_SUFFIX = ".v1";

  /**
   * Matches exactly the names {@link #hostTopic} makes; group 1 the host key, group 2 the stream.
   */
  public static final Pattern HOST_TOPIC =
      Pattern.compile(
          "porthole\\.host\\.((?:[A-Za-z0-9-]|_[0-9a-f]{2})+)\\.(graphics|lifecycle|hosts|guests)\\.v1");

  private EventTopics() {}

  /** The topic where host {@code hostId} publishes {@code stream}. */
  public static String hostTopic(String hostId, Stream stream) {
    String topic = HOST_TOPIC_PREFIX + hostKey(hostId) + "." + stream.word() + VERSION_SUFFIX;
    if (topic.length() > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException(
          "host id too long for a Kafka topic name ("
              + topic.length()
              + " > "
              + MAX_TOPIC_LENGTH
              + " characters)");
    }
    return topic;
  }

  /** The four topics of host {@code hostId}, in {@link Stream} order. */
  public static List<String> hostTopics(String hostId) {
    return Arrays.stream(Stream.values()).map(s -> hostTopic(hostId, s)).toList();
  }

  /** The host key of {@code hostId} (see the class comment). */
  public static String hostKey(String hostId) {
    if (hostId == null || hostId.isEmpty()) {
      throw new IllegalArgumentException("host id is empty");
    }
    StringBuilder key = new StringBuilder(hostId.length() + 8);
    HexFormat hex = HexFormat.of();
    for (byte b : hostId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        key.append(c);
      } else {
        key.append('_').append(hex.toHexDigits(b));
      }
    }
    return key.toString();
  }

  /** A per-host topic taken apart. */
  public record HostTopic(String hostKey, Stream stream) {
    /** The same host's topic of {@code other}. */
    public String sibling(Stream other) {
      return HOST_TOPIC_PREFIX + hostKey + "." + other.word() + VERSION_SUFFIX;
    }
  }

  /** The host key and stream of a per-host topic; empty for any other name. */
  public static Optional<HostTopic> parse(String topic) {
    Matcher m = HOST_TOPIC.matcher(topic);
    if (!m.matches()) {
      return Optional.empty();
    }
    for (Stream s : Stream.values()) {
      if (s.word().equals(m.group(2))) {
        return Optional.of(new HostTopic(m.group(1), s));
      }
    }
    return Optional.empty();
  }
}
