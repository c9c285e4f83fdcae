package org.porthole.sso.gssapi;

import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.MessageProp;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * Per-message protection over an established context: GSS wrap and unwrap with the checks both
 * peers make on every token. A token seen before is a replay; one out of order means a lost or
 * inserted message on a channel that keeps order, so both end the exchange. Once the security layer
 * is agreed, every message is encrypted and fits the size its receiver announced.
 */
final class SealedChannel {
  private final GSSContext context;
  private final int peerMaxSize;
  private final int ownMaxSize;

  /** Sealed messages over {@code context}, the peer accepting up to {@code peerMaxSize} octets. */
  SealedChannel(GSSContext context, int peerMaxSize, int ownMaxSize) {
    this.context = context;
    this.peerMaxSize = peerMaxSize;
    this.ownMaxSize = ownMaxSize;
  }

  /** Encrypts {@code message} for the peer. */
  byte[] seal(byte[] message) throws SsoAuthException {
    byte[] token = wrap(context, message, true, "sealing a message");
    if (token.length > peerMaxSize) {
      throw new SsoAuthException(
          Reason.TOO_LARGE,
          "a sealed message of " + token.length + " octets, the peer accepts " + peerMaxSize);
    }
    return token;
  }

  /** Decrypts and checks a sealed message from the peer. */
  byte[] unseal(byte[] token) throws SsoAuthException {
    Jgss.requireSize(token, ownMaxSize, "a sealed message");
    return unwrap(context, token, true, "opening a sealed message");
  }

  /** GSS wrap of {@code plain}; with {@code encrypt}, refuses a context that would only sign it. */
  static byte[] wrap(GSSContext context, byte[] plain, boolean encrypt, String step)
      throws SsoAuthException {
    MessageProp prop = new MessageProp(0, encrypt);
    byte[] token;
    try {
      token = context.wrap(plain, 0, plain.length, prop);
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.BAD_TOKEN, step);
    }
    if (encrypt && !prop.getPrivacy()) {
      throw new SsoAuthException(Reason.LAYER_REFUSED, step + ": the context cannot encrypt");
    }
    return token;
  }

  /**
   * GSS unwrap of {@code token}, refusing replays and tokens out of order; with {@code encrypted},
   * also a token that was only signed.
   */
  static byte[] unwrap(GSSContext context, byte[] token, boolean encrypted, String step)
      throws SsoAuthException {
    MessageProp prop = new MessageProp(0, encrypted);
    byte[] plain;
    try {
      plain = context.unwrap(token, 0, token.length, prop);
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.BAD_TOKEN, step);
    }
    if (prop.isDuplicateToken() || prop.isOldToken()) {
      throw new SsoAuthException(Reason.REPLAY, step + ": a token seen before");
    }
    if (prop.isUnseqToken() || prop.isGapToken()) {
      throw new SsoAuthException(Reason.BAD_TOKEN, step + ": a token out of order");
    }
    if (encrypted && !prop.getPrivacy()) {
      throw new SsoAuthException(Reason.LAYER_REFUSED, step + ": the message was not encrypted");
    }
    return plain;
  }
}
