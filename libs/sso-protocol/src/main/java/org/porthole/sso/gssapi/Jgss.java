package org.porthole.sso.gssapi;

import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;
import org.ietf.jgss.ChannelBinding;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.porthole.sso.gssapi.SsoAuthException.Reason;
import org.porthole.sso.protocol.SsoCodec;

/** What both peers need from the JDK's JGSS: the Kerberos OIDs, names, bounds and failures. */
final class Jgss {
  /** The Kerberos v5 mechanism (RFC 1964). */
  static final Oid KRB5_MECH = oid("1.2.840.113554.1.2.2");

  /** A full Kerberos principal name, {@code primary/instance@REALM}: no DNS canonicalization. */
  static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");

  /**
   * The largest handshake token either peer reads. A first token carrying a delegated TGT is a few
   * KiB; tickets with large authorization data (a Windows PAC) stay well below this.
   */
  static final int MAX_TOKEN = SsoCodec.MAX_TOKEN_BYTES;

  /**
   * The largest sealed message either peer accepts; announced in the security-layer messages. The
   * codec's token cap, so a message one side may seal always fits the channel.
   */
  static final int MAX_MESSAGE = SsoCodec.MAX_TOKEN_BYTES;

  /**
   * The minor status text of the JDK's replay cache (KRB_AP_ERR_REPEAT, "Request is a replay
   * (34)"). The JDK reports it under the generic major code FAILURE, not DUPLICATE_TOKEN, and its
   * exception class is internal, so the text is the only public sign of a replay.
   */
  private static final String JDK_REPLAY_TEXT = "Request is a replay";

  private Jgss() {}

  /** A JGSS call that may need a Subject's credentials. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws GSSException;
  }

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (GSSException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Runs {@code call} as {@code subject}, whose private credentials (a TGT, a keytab) JGSS then
   * uses; with no subject, JGSS uses the default credentials of the process.
   */
  static <T> T as(Subject subject, Call<T> call) throws GSSException {
    if (subject == null) {
      return call.run();
    }
    try {
      return Subject.doAs(subject, (PrivilegedExceptionAction<T>) call::run);
    } catch (PrivilegedActionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GSSException gss) {
        throw gss;
      }
      throw new IllegalStateException("unexpected failure in a JGSS call", cause);
    }
  }

  /**
   * The GSS name of the full principal {@code principal} ({@code host/guest.example@REALM}).
   *
   * @throws IllegalArgumentException when it has no realm or JGSS cannot parse it
   */
  static GSSName principalName(String principal) {
    requireFullPrincipal(principal);
    try {
      return GSSManager.getInstance().createName(principal, KRB5_PRINCIPAL_NAME);
    } catch (GSSException e) {
      throw new IllegalArgumentException(
          "not a Kerberos principal name: " + principal + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Refuses a name without its realm: the realm is part of the pin, never taken from a default.
   *
   * @throws IllegalArgumentException when {@code principal} is not {@code name@REALM}
   */
  static void requireFullPrincipal(String principal) {
    int at = principal.lastIndexOf('@');
    if (at <= 0 || at == principal.length() - 1 || principal.charAt(at - 1) == '\\') {
      throw new IllegalArgumentException(
          "not a full Kerberos principal name (primary/instance@REALM): " + principal);
    }
  }

  /**
   * The channel binding of one SSO attempt: no addresses (the relay changes them), the caller's
   * application data (session and nonce).
   */
  static ChannelBinding binding(byte[] applicationData) {
    if (applicationData == null || applicationData.length == 0) {
      throw new IllegalArgumentException("the channel binding must not be empty");
    }
    return new ChannelBinding(applicationData.clone());
  }

  /** Refuses a token of more than {@code max} octets before JGSS reads any of it. */
  static void requireSize(byte[] token, int max, String what) throws SsoAuthException {
    if (token == null) {
      throw new SsoAuthException(Reason.BAD_TOKEN, what + ": no token");
    }
    if (token.length > max) {
      throw new SsoAuthException(
          Reason.TOO_LARGE, what + ": " + token.length + " octets, more than " + max);
    }
  }

  /**
   * The failure for a JGSS exception during {@code step}: by major status first (replay, channel
   * bindings, credentials), then the JDK's replay text, else {@code fallback}. The message keeps
   * JGSS's status texts, which name checks and never carry token or key bytes.
   */
  static SsoAuthException failure(GSSException e, Reason fallback, String step) {
    Reason reason =
        switch (e.getMajor()) {
          case GSSException.DUPLICATE_TOKEN, GSSException.OLD_TOKEN -> Reason.REPLAY;
          case GSSException.BAD_BINDINGS -> Reason.CHANNEL_BINDING_MISMATCH;
          case GSSException.NO_CRED, GSSException.CREDENTIALS_EXPIRED -> Reason.NO_CREDENTIALS;
          default -> isJdkReplay(e) ? Reason.REPLAY : fallback;
        };
    return new SsoAuthException(reason, step + ": " + e.getMessage(), e);
  }

  private static boolean isJdkReplay(GSSException e) {
    String minor = e.getMinorString();
    return minor != null && minor.contains(JDK_REPLAY_TEXT);
  }
}
