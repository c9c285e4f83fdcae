package org.porthole.sso.protocol;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.porthole.guest.json.JsonException;
import org.porthole.guest.json.JsonParser;
import org.porthole.guest.json.JsonWriter;
import org.porthole.guest.protocol.VersionRange;

/**
 * Maps SSO protocol v1 messages to and from one line of JSON (without the newline), in the field
 * order of docs/sso-protocol.md so its byte-exact examples hold. Decoding is strict about the
 * fields it needs (tokens must be canonical base64 within the token cap) and ignores fields it does
 * not know. Stateless and thread-safe.
 */
public final class SsoCodec {
  /** Longest line, in bytes, the newline not counted. */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /** Largest decoded {@code token} or {@code data}, in bytes. */
  public static final int MAX_TOKEN_BYTES = 48_000;

  /** Longest name (type, mechanism, attribute, code), in characters. */
  public static final int MAX_NAME_CHARS = 64;

  /** Most credential types one {@code authenticate} may list. */
  public static final int MAX_TYPES = 8;

  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final String TYPE = "type";
  private static final String TOKEN = "token";

  private SsoCodec() {}

  /**
   * The JSON line of {@code message}, without the terminating newline.
   *
   * @throws IllegalArgumentException when a token is over {@link #MAX_TOKEN_BYTES} (the peer would
   *     refuse it)
   */
  public static String encode(SsoMessage message) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (message instanceof SsoMessage.Signature s) {
      out.put(TYPE, "signature");
      out.put("min", s.versions().min());
      out.put("max", s.versions().max());
      out.put("nonce", s.nonce());
      if (!s.challenge().isEmpty()) {
        out.put("challenge", s.challenge());
      }
    } else if (message instanceof SsoMessage.Authenticate a) {
      out.put(TYPE, "authenticate");
      out.put("types", a.types());
    } else if (message instanceof SsoMessage.StartSasl s) {
      out.put(TYPE, "start-sasl");
      out.put("mechanism", s.mechanism());
      out.put(TOKEN, base64(s.token()));
    } else if (message instanceof SsoMessage.StartTls) {
      out.put(TYPE, "start-tls");
    } else if (message instanceof SsoMessage.Sasl s) {
      out.put(TYPE, "sasl");
      out.put(TOKEN, base64(s.token()));
    } else if (message instanceof SsoMessage.Sealed s) {
      out.put(TYPE, "sealed");
      out.put("data", base64(s.data()));
    } else if (message instanceof SsoMessage.Info i) {
      out.put(TYPE, "info");
      out.put("attr", i.attr());
    } else if (message instanceof SsoMessage.Ok ok) {
      out.put(TYPE, "ok");
      out.put("result", ok.result());
    } else if (message instanceof SsoMessage.Error e) {
      out.put(TYPE, "error");
      out.put("code", e.code());
      out.put("text", e.text());
    }
    return JsonWriter.write(out);
  }

  /**
   * Reads one line as a message.
   *
   * @throws SsoProtocolException {@code bad-json} for text that is not strict JSON, {@code
   *     bad-message} for JSON that is not a valid message, {@code unknown-type} for a type v1 does
   *     not define
   */
  public static SsoMessage decode(String line) throws SsoProtocolException {
    Object parsed;
    try {
      parsed = JsonParser.parse(line);
    } catch (JsonException e) {
      throw new SsoProtocolException(SsoErrorCode.BAD_JSON, "invalid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> raw)) {
      throw bad("a message must be a JSON object");
    }
    Fields f = new Fields(raw);
    String type = f.name(TYPE);
    return switch (type) {
      case "signature" -> new SsoMessage.Signature(f.versions(), f.nonce(), f.challenge());
      case "authenticate" -> new SsoMessage.Authenticate(f.names("types"));
      case "start-sasl" -> new SsoMessage.StartSasl(f.name("mechanism"), f.bytes(TOKEN));
      case "start-tls" -> new SsoMessage.StartTls();
      case "sasl" -> new SsoMessage.Sasl(f.bytes(TOKEN));
      case "sealed" -> new SsoMessage.Sealed(f.bytes("data"));
      case "info" -> new SsoMessage.Info(f.name("attr"));
      case "ok" -> new SsoMessage.Ok(f.objectOrEmpty("result"));
      case "error" -> new SsoMessage.Error(f.name("code"), f.string("text"));
      default -> throw new SsoProtocolException(SsoErrorCode.UNKNOWN_TYPE, "unknown message type");
    };
  }

  private static String base64(byte[] bytes) {
    if (bytes.length > MAX_TOKEN_BYTES) {
      throw new IllegalArgumentException("a token is at most " + MAX_TOKEN_BYTES + " bytes");
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static SsoProtocolException bad(String text) {
    return new SsoProtocolException(SsoErrorCode.BAD_MESSAGE, text);
  }

  /** Typed, checked access to the fields of one decoded object. */
  private record Fields(Map<?, ?> raw) {

    String name(String field) throws SsoProtocolException {
      Object v = raw.get(field);
      if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_NAME_CHARS) {
        throw bad(field + " must be a string of 1 to " + MAX_NAME_CHARS + " characters");
      }
      return s;
    }

    String string(String field) throws SsoProtocolException {
      if (!(raw.get(field) instanceof String s)) {
        throw bad(field + " must be a string");
      }
      return s;
    }

    String nonce() throws SsoProtocolException {
      if (!(raw.get("nonce") instanceof String s) || !NONCE.matcher(s).matches()) {
        throw bad("nonce must be 16 to 128 characters of A-Z a-z 0-9 - _");
      }
      return s;
    }

    /** The guest's challenge, or {@code ""} when absent (a client's reset). */
    String challenge() throws SsoProtocolException {
      if (!raw.containsKey("challenge")) {
        return "";
      }
      if (!(raw.get("challenge") instanceof String s) || !NONCE.matcher(s).matches()) {
        throw bad("challenge must be 16 to 128 characters of A-Z a-z 0-9 - _");
      }
      return s;
    }

    VersionRange versions() throws SsoProtocolException {
      int min = version("min");
      int max = version("max");
      if (min > max) {
        throw bad("signature: min is greater than max");
      }
      return new VersionRange(min, max);
    }

    private int version(String field) throws SsoProtocolException {
      if (raw.get(field) instanceof BigDecimal d) {
        try {
          int value = d.intValueExact();
          if (value >= 0 && value <= VersionRange.MAX_VERSION) {
            return value;
          }
        } catch (ArithmeticException e) {
          // not an integer or beyond int: reported below
        }
      }
      throw bad(field + " must be an integer from 0 to " + VersionRange.MAX_VERSION);
    }

    List<String> names(String field) throws SsoProtocolException {
      if (!(raw.get(field) instanceof List<?> list) || list.isEmpty() || list.size() > MAX_TYPES) {
        throw bad(field + " must be a list of 1 to " + MAX_TYPES + " names");
      }
      List<String> names = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof String s) || s.isEmpty() || s.length() > MAX_NAME_CHARS) {
          throw bad(field + " must hold names of 1 to " + MAX_NAME_CHARS + " characters");
        }
        names.add(s);
      }
      return names;
    }

    byte[] bytes(String field) throws SsoProtocolException {
      if (!(raw.get(field) instanceof String s)) {
        throw bad(field + " must be a base64 string");
      }
      if (s.length() > (MAX_TOKEN_BYTES + 2) / 3 * 4) {
        throw bad(field + " is over " + MAX_TOKEN_BYTES + " bytes");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw bad(field + " is not base64");
      }
      if (bytes.length > MAX_TOKEN_BYTES) {
        throw bad(field + " is over " + MAX_TOKEN_BYTES + " bytes");
      }
      if (!Base64.getEncoder().encodeToString(bytes).equals(s)) {
        throw bad(field + " is not canonical base64 (padding, trailing bits)");
      }
      return bytes;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> objectOrEmpty(String field) throws SsoProtocolException {
      if (!raw.containsKey(field)) {
        return Map.of();
      }
      if (!(raw.get(field) instanceof Map<?, ?> map)) {
        throw bad(field + " must be an object");
      }
      return (Map<String, Object>) map;
    }
  }
}
