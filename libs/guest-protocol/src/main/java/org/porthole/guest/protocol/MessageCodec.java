package org.porthole.guest.protocol;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.porthole.guest.json.JsonException;
import org.porthole.guest.json.JsonParser;
import org.porthole.guest.json.JsonWriter;

/**
 * Maps protocol v1 messages to and from one line of JSON (without the newline). Encoding writes
 * fields in a fixed order so the byte-exact examples of docs/guest-protocol.md hold. Decoding is
 * strict about the fields it needs and ignores fields it does not know, so a newer peer can add
 * fields without breaking an older one. Stateless and thread-safe.
 */
public final class MessageCodec {
  /** Longest request id, in characters. */
  public static final int MAX_ID_CHARS = 128;

  /** Longest command or event name, in characters. */
  public static final int MAX_NAME_CHARS = 64;

  private static final String TYPE = "type";
  private static final String ID = "id";

  private MessageCodec() {}

  /** The JSON line of {@code message}, without the terminating newline. */
  public static String encode(Message message) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (message instanceof Message.Hello h) {
      out.put(TYPE, "hello");
      out.put("min", h.versions().min());
      out.put("max", h.versions().max());
      out.put("agent", h.agent());
      out.put("version", h.agentVersion());
      out.put("instance", h.instance());
      out.put("answer", h.answer());
    } else if (message instanceof Message.Heartbeat hb) {
      out.put(TYPE, "heartbeat");
      out.put("seq", hb.seq());
    } else if (message instanceof Message.Request r) {
      out.put(TYPE, "request");
      out.put(ID, r.id());
      out.put("command", r.command());
      out.put("args", r.args());
    } else if (message instanceof Message.OkReply ok) {
      out.put(TYPE, "ok");
      out.put(ID, ok.id());
      out.put("result", ok.result());
    } else if (message instanceof Message.ErrorReply e) {
      out.put(TYPE, "error");
      if (e.id() != null) {
        out.put(ID, e.id());
      }
      out.put("code", e.code());
      out.put("text", e.text());
    } else if (message instanceof Message.Event ev) {
      out.put(TYPE, "event");
      out.put("event", ev.event());
      out.put("data", ev.data());
    }
    return JsonWriter.write(out);
  }

  /**
   * Reads one line as a message.
   *
   * @throws ProtocolException {@link ErrorCode#BAD_JSON} for text that is not strict JSON, {@link
   *     ErrorCode#BAD_MESSAGE} for JSON that is not a valid message, {@link ErrorCode#UNKNOWN_TYPE}
   *     for a type v1 does not define
   */
  public static Message decode(String line) throws ProtocolException {
    Object parsed;
    try {
      parsed = JsonParser.parse(line);
    } catch (JsonException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "invalid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> raw)) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a message must be a JSON object");
    }
    Fields f = new Fields(raw);
    String type = f.string(TYPE, MAX_NAME_CHARS);
    return switch (type) {
      case "hello" -> hello(f);
      case "heartbeat" -> new Message.Heartbeat(f.integer("seq", 0, Long.MAX_VALUE));
      case "request" ->
          new Message.Request(f.id(), f.string("command", MAX_NAME_CHARS), f.objectOrEmpty("args"));
      case "ok" -> new Message.OkReply(f.id(), f.objectOrEmpty("result"));
      case "error" ->
          new Message.ErrorReply(
              f.optionalId(), f.string("code", MAX_NAME_CHARS), f.stringOrEmpty("text"));
      case "event" -> new Message.Event(f.string("event", MAX_NAME_CHARS), f.objectOrEmpty("data"));
      default ->
          throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE, "unknown message type", f.optionalId());
    };
  }

  private static Message.Hello hello(Fields f) throws ProtocolException {
    int min = (int) f.integer("min", 0, VersionRange.MAX_VERSION);
    int max = (int) f.integer("max", 0, VersionRange.MAX_VERSION);
    if (min > max) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "hello: min is greater than max");
    }
    return new Message.Hello(
        new VersionRange(min, max),
        f.string("agent", MAX_NAME_CHARS),
        f.string("version", MAX_NAME_CHARS),
        f.string("instance", MAX_ID_CHARS),
        f.bool("answer"));
  }

  /** Typed, checked access to the fields of one decoded object. */
  private static final class Fields {
    private final Map<?, ?> raw;

    Fields(Map<?, ?> raw) {
      this.raw = raw;
    }

    String string(String name, int maxChars) throws ProtocolException {
      Object v = raw.get(name);
      if (!(v instanceof String s) || s.isEmpty() || s.length() > maxChars) {
        throw bad(name + " must be a string of 1 to " + maxChars + " characters");
      }
      return s;
    }

    String stringOrEmpty(String name) throws ProtocolException {
      if (!raw.containsKey(name)) {
        return "";
      }
      if (!(raw.get(name) instanceof String s)) {
        throw bad(name + " must be a string");
      }
      return s;
    }

    String id() throws ProtocolException {
      return string(ID, MAX_ID_CHARS);
    }

    /** The id if present and well-formed, else null: used to address error replies. */
    String optionalId() {
      Object v = raw.get(ID);
      if (v instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_CHARS) {
        return s;
      }
      return null;
    }

    long integer(String name, long min, long max) throws ProtocolException {
      Object v = raw.get(name);
      if (v instanceof BigDecimal d) {
        try {
          long value = d.longValueExact();
          if (value >= min && value <= max) {
            return value;
          }
        } catch (ArithmeticException e) {
          // not an integer or beyond long: reported below
        }
      }
      throw bad(name + " must be an integer from " + min + " to " + max);
    }

    boolean bool(String name) throws ProtocolException {
      Object v = raw.get(name);
      if (v == null && !raw.containsKey(name)) {
        return false;
      }
      if (!(v instanceof Boolean b)) {
        throw bad(name + " must be true or false");
      }
      return b;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> objectOrEmpty(String name) throws ProtocolException {
      if (!raw.containsKey(name)) {
        return Map.of();
      }
      Object v = raw.get(name);
      if (!(v instanceof Map<?, ?>)) {
        throw bad(name + " must be an object");
      }
      return (Map<String, Object>) v;
    }

    private ProtocolException bad(String text) {
      return new ProtocolException(ErrorCode.BAD_MESSAGE, text, optionalId());
    }
  }
}
