package org.porthole.guest.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * The messages of protocol v1, one JSON object per line (docs/guest-protocol.md). Records hold
 * domain values; {@link MessageCodec} maps them to and from the wire. Maps hold JSON values as
 * {@link org.porthole.guest.json.JsonParser} produces them.
 */
public sealed interface Message {

  /**
   * Sent by each peer when its channel opens, and answered by the peer that receives it, so both
   * learn the other's versions and notice a restart (a new {@code instance}).
   *
   * @param versions the protocol versions the sender speaks
   * @param agent the sender's program name, such as {@code porthole-guest-agent}
   * @param agentVersion the sender's program version
   * @param instance an id that changes whenever the sender's process starts
   * @param answer true when this hello answers the peer's hello (never answered itself)
   */
  record Hello(
      VersionRange versions, String agent, String agentVersion, String instance, boolean answer)
      implements Message {
    public Hello {
      Objects.requireNonNull(versions, "versions");
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(agentVersion, "agentVersion");
      Objects.requireNonNull(instance, "instance");
    }

    /** This hello as the answer to a peer's hello. */
    public Hello asAnswer() {
      return new Hello(versions, agent, agentVersion, instance, true);
    }
  }

  /** Liveness: sent at a fixed interval; {@code seq} counts up from 1 per channel opening. */
  record Heartbeat(long seq) implements Message {}

  /**
   * A command for the peer; answered by exactly one {@link OkReply} or {@link ErrorReply} with the
   * same id.
   */
  record Request(String id, String command, Map<String, Object> args) implements Message {
    public Request {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(command, "command");
      args = args == null ? Map.of() : args;
    }
  }

  /** The successful result of request {@code id}. */
  record OkReply(String id, Map<String, Object> result) implements Message {
    public OkReply {
      Objects.requireNonNull(id, "id");
      result = result == null ? Map.of() : result;
    }
  }

  /**
   * A failed request ({@code id} set) or a problem with the channel itself ({@code id} null: a bad
   * line, no common version).
   *
   * @param code an {@link ErrorCode} wire name, or a code from a newer peer
   * @param text a short explanation for logs; never the offending input
   */
  record ErrorReply(String id, String code, String text) implements Message {
    public ErrorReply {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(text, "text");
    }
  }

  /** Something that happened on the sender's side, such as a session state change. */
  record Event(String event, Map<String, Object> data) implements Message {
    public Event {
      Objects.requireNonNull(event, "event");
      data = data == null ? Map.of() : data;
    }
  }
}
