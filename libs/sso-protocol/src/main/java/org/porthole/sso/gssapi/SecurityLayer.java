package org.porthole.sso.gssapi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * The security-layer messages of RFC 4752 section 3.1, the cleartext inside the last two wrapped
 * handshake tokens: one octet of layer bits, three octets (network order) of the largest wrapped
 * message the sender accepts, then, from the client only, its authorization identity in UTF-8 (no
 * terminating NUL). Porthole offers and accepts confidentiality ("auth-conf") only.
 */
final class SecurityLayer {
  /** No security layer (bit 1). */
  static final int NONE = 1;

  /** Integrity protection (bit 2). */
  static final int INTEGRITY = 2;

  /** Confidentiality protection, "auth-conf" (bit 4): the only layer Porthole uses. */
  static final int CONFIDENTIALITY = 4;

  /** The largest size three octets can say. */
  static final int MAX_SIZE = 0xFFFFFF;

  /**
   * The least a client may accept: the guest's sealed result must fit, or the guest would act
   * (store, unlock) and then be unable to say so.
   */
  static final int MIN_CHOSEN_SIZE = 4096;

  private static final int HEADER = 4;

  private SecurityLayer() {}

  /** A decoded message: the layer bits, the sender's largest message, the authorization id. */
  record Message(int layers, int maxSize, String authorizationId) {}

  /**
   * The cleartext of a message: {@code layers} (one octet), {@code maxSize} (three octets) and
   * {@code authorizationId} (empty in the server's offer).
   */
  static byte[] encode(int layers, int maxSize, String authorizationId) {
    if (layers < 0 || layers > 0xFF) {
      throw new IllegalArgumentException("layer bits do not fit one octet: " + layers);
    }
    if (maxSize < 0 || maxSize > MAX_SIZE) {
      throw new IllegalArgumentException("max size does not fit three octets: " + maxSize);
    }
    byte[] id = authorizationId.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[HEADER + id.length];
    out[0] = (byte) layers;
    out[1] = (byte) (maxSize >>> 16);
    out[2] = (byte) (maxSize >>> 8);
    out[3] = (byte) maxSize;
    System.arraycopy(id, 0, out, HEADER, id.length);
    return out;
  }

  /**
   * The server's offer, as the client accepts it: exactly four octets, confidentiality among the
   * layers, and room for at least one message.
   */
  static Message parseOffer(byte[] plain) throws SsoAuthException {
    if (plain.length != HEADER) {
      throw new SsoAuthException(
          Reason.BAD_TOKEN, "the security-layer offer has " + plain.length + " octets, not 4");
    }
    Message offer = new Message(plain[0] & 0xFF, size(plain), "");
    if ((offer.layers() & CONFIDENTIALITY) == 0) {
      throw new SsoAuthException(
          Reason.LAYER_REFUSED,
          "the service does not offer confidentiality (layers " + offer.layers() + ")");
    }
    if (offer.maxSize() == 0) {
      throw new SsoAuthException(Reason.LAYER_REFUSED, "the service accepts no sealed message");
    }
    return offer;
  }

  /**
   * The client's choice, as the server accepts it: confidentiality alone, room for at least one
   * message, and an authorization id in well-formed UTF-8 without NUL.
   */
  static Message parseChoice(byte[] plain) throws SsoAuthException {
    if (plain.length < HEADER) {
      throw new SsoAuthException(
          Reason.BAD_TOKEN, "the security-layer choice has " + plain.length + " octets, not 4+");
    }
    Message choice = new Message(plain[0] & 0xFF, size(plain), authorizationId(plain));
    if (choice.layers() != CONFIDENTIALITY) {
      throw new SsoAuthException(
          Reason.LAYER_REFUSED,
          "the client chose layers " + choice.layers() + ", not confidentiality alone (4)");
    }
    if (choice.maxSize() < MIN_CHOSEN_SIZE) {
      throw new SsoAuthException(
          Reason.LAYER_REFUSED,
          "the client accepts sealed messages of "
              + choice.maxSize()
              + " octets, under "
              + MIN_CHOSEN_SIZE);
    }
    return choice;
  }

  private static int size(byte[] plain) {
    return (plain[1] & 0xFF) << 16 | (plain[2] & 0xFF) << 8 | (plain[3] & 0xFF);
  }

  private static String authorizationId(byte[] plain) throws SsoAuthException {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder();
    strict.onMalformedInput(CodingErrorAction.REPORT);
    strict.onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(plain, HEADER, plain.length - HEADER);
    String id;
    try {
      id = strict.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new SsoAuthException(Reason.BAD_TOKEN, "the authorization id is not UTF-8");
    }
    if (id.indexOf('\0') >= 0) {
      throw new SsoAuthException(Reason.BAD_TOKEN, "the authorization id contains NUL");
    }
    return id;
  }
}
