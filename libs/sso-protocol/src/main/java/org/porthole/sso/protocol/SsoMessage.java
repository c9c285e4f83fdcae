package org.porthole.sso.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.porthole.guest.protocol.VersionRange;

/**
 * The messages of SSO channel protocol v1 (docs/sso-protocol.md). Tokens are raw bytes here and
 * base64 on the wire; the records copy them in and out, and compare and print them by content
 * length only, so a token never lands in a log by way of {@code toString}.
 */
public sealed interface SsoMessage {

  /**
   * Sent by the guest when an exchange starts or restarts, with a fresh {@code challenge} the
   * channel bindings include (so a recorded first token is useless in any later exchange); sent by
   * a client, without a challenge ({@code ""}), to reset the exchange.
   */
  record Signature(VersionRange versions, String nonce, String challenge) implements SsoMessage {
    /** A client's reset: no challenge. */
    public Signature(VersionRange versions, String nonce) {
      this(versions, nonce, "");
    }
  }

  /** The guest asks for credentials of these types. */
  record Authenticate(List<String> types) implements SsoMessage {
    public Authenticate {
      types = List.copyOf(types);
    }
  }

  /** The client starts SASL with {@code mechanism} and its initial response. */
  record StartSasl(String mechanism, byte[] token) implements SsoMessage {
    public StartSasl {
      token = token.clone();
    }

    @Override
    public byte[] token() {
      return token.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StartSasl s
          && s.mechanism.equals(mechanism)
          && Arrays.equals(s.token, token);
    }

    @Override
    public int hashCode() {
      return mechanism.hashCode() * 31 + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
      return "StartSasl[" + mechanism + ", " + token.length + " bytes]";
    }
  }

  /** The client asks for TLS; v1 guests answer {@code unsupported}. */
  record StartTls() implements SsoMessage {}

  /** One SASL challenge or response ({@code ""} on the wire for an empty one). */
  record Sasl(byte[] token) implements SsoMessage {
    public Sasl {
      token = token.clone();
    }

    @Override
    public byte[] token() {
      return token.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sasl s && Arrays.equals(s.token, token);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
      return "Sasl[" + token.length + " bytes]";
    }
  }

  /** One message line, sealed with the negotiated {@code auth-conf} layer. */
  record Sealed(byte[] data) implements SsoMessage {
    public Sealed {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sealed s && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Sealed[" + data.length + " bytes]";
    }
  }

  /** The client asks for one attribute ({@code spn}, {@code time}). */
  record Info(String attr) implements SsoMessage {}

  /** Success, with a result object (may be empty), its fields kept in order. */
  record Ok(Map<String, Object> result) implements SsoMessage {
    public Ok {
      result = Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }
  }

  /** A refusal: a code of {@link SsoErrorCode} (or a newer peer's) and words for people. */
  record Error(String code, String text) implements SsoMessage {}
}
