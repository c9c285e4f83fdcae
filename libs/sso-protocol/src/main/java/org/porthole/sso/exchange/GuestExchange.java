package org.porthole.sso.exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.kerberos.KerberosTicket;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.sso.gssapi.GssapiServer;
import org.porthole.sso.gssapi.SsoAuthException;
import org.porthole.sso.protocol.SsoCodec;
import org.porthole.sso.protocol.SsoErrorCode;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;

/**
 * The guest's side of one SSO exchange (docs/sso-protocol.md, "The exchange"): signature and
 * authenticate, a client reset, SASL GSSAPI as the acceptor, then the sealed result of the guest's
 * decision. Out-of-turn messages and failed authentication are answered with their error code and
 * end the exchange; malformed lines are answered and skipped. The caller bounds the exchange in
 * time (it closes the channel after 30 s). One exchange per instance, on one thread.
 */
public final class GuestExchange {
  /** Most messages a client may send in one exchange before the result, resets included. */
  public static final int MAX_CLIENT_MESSAGES = 16;

  /** The one SASL mechanism of v1. */
  public static final String MECHANISM = "GSSAPI";

  /** The one credential type of v1. */
  public static final String KERBEROS = "kerberos";

  /** The guest's decision once the client is authenticated: an {@code ok} or an {@code error}. */
  @FunctionalInterface
  public interface Acceptance {
    /**
     * Maps {@code principal} to a local user, checks it is the console's user, stores the delegated
     * TGT as that user and unlocks the session; called at most once per exchange.
     */
    SsoMessage decide(String principal, Optional<KerberosTicket> delegatedTgt);
  }

  /** Makes the acceptor of one attempt (a reset starts a new one). */
  @FunctionalInterface
  public interface Acceptors {
    GssapiServer create(byte[] channelBinding) throws SsoAuthException;
  }

  /**
   * How the exchange ended: who signed in, whether a TGT came along, the guest's decision, and
   * whether the sealed result reached the channel (the decision stands either way: what it did,
   * storing and unlocking, is done).
   */
  public record Outcome(
      String principal, boolean delegated, SsoMessage result, boolean delivered) {}

  /** Most resets ({@code signature} from the client) one exchange honours. */
  public static final int MAX_RESETS = 2;

  private static final int CHALLENGE_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What an unauthenticated peer is told for each GSSAPI failure: fixed words, never the Kerberos
   * library's (key versions, clock skew, paths).
   */
  private static final Map<SsoErrorCode, String> TEXTS =
      Map.of(
          SsoErrorCode.REPLAY, "the first token was seen before",
          SsoErrorCode.CHANNEL_BINDING, "the token is bound to another exchange",
          SsoErrorCode.BAD_MESSAGE, "a token over the size limit",
          SsoErrorCode.AUTH_FAILED, "the GSSAPI token was refused");

  private final SsoLines lines;
  private final String sessionId;
  private final String nonce;
  private final String spn;
  private final Acceptors acceptors;
  private final Acceptance acceptance;
  private final Clock clock;
  private String challenge;

  /** An exchange for console {@code sessionId} whose SSO token carried {@code nonce}. */
  public GuestExchange(
      SsoLines lines,
      String sessionId,
      String nonce,
      String spn,
      Acceptors acceptors,
      Acceptance acceptance,
      Clock clock) {
    this.lines = lines;
    this.sessionId = sessionId;
    this.nonce = nonce;
    this.spn = spn;
    this.acceptors = acceptors;
    this.acceptance = acceptance;
    this.clock = clock;
  }

  /**
   * Runs the exchange to its end.
   *
   * @throws SsoRefusedException when it ended without a decision (the client was told why, unless
   *     it went away)
   * @throws IOException when the channel fails
   */
  public Outcome run() throws IOException, SsoRefusedException {
    GssapiServer server = null;
    try {
      greet();
      int fromClient = 0;
      int resets = 0;
      while (true) {
        SsoMessage m = next(++fromClient);
        if (m == null) {
          continue;
        }
        if (m instanceof SsoMessage.Signature s) {
          checkSignature(s, ++resets);
          dispose(server);
          server = null;
          greet();
        } else if (m instanceof SsoMessage.StartTls) {
          lines.send(error(SsoErrorCode.UNSUPPORTED, "start-tls is not part of v1"));
        } else if (m instanceof SsoMessage.Info i) {
          lines.send(info(i.attr()));
        } else if (m instanceof SsoMessage.StartSasl s && server == null) {
          if (!MECHANISM.equals(s.mechanism())) {
            lines.send(error(SsoErrorCode.UNSUPPORTED, "the only mechanism is " + MECHANISM));
            continue;
          }
          server = acceptors.create(SessionBinding.of(sessionId, nonce, challenge));
          lines.send(new SsoMessage.Sasl(orEmpty(server.evaluateResponse(s.token()))));
        } else if (m instanceof SsoMessage.Sasl s && server != null) {
          byte[] next = server.evaluateResponse(s.token());
          if (server.isComplete()) {
            return finish(server);
          }
          lines.send(new SsoMessage.Sasl(orEmpty(next)));
        } else {
          throw refuse(SsoErrorCode.UNEXPECTED, m.getClass().getSimpleName() + " out of turn");
        }
      }
    } catch (SsoAuthException e) {
      SsoErrorCode code = codeOf(e);
      throw refuse(code, TEXTS.getOrDefault(code, "the GSSAPI exchange failed"));
    } finally {
      dispose(server);
    }
  }

  /** A signature with a fresh challenge, and the request to authenticate. */
  private void greet() throws IOException {
    byte[] bytes = new byte[CHALLENGE_BYTES];
    RANDOM.nextBytes(bytes);
    challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    lines.send(new SsoMessage.Signature(VersionRange.V1, nonce, challenge));
    lines.send(new SsoMessage.Authenticate(List.of(KERBEROS)));
  }

  /** The next message, null for a malformed line (answered here); ends the exchange at the cap. */
  private SsoMessage next(int count) throws IOException, SsoRefusedException {
    SsoLines.Read read = lines.next();
    if (read == null) {
      throw new SsoRefusedException("closed", "the client went away");
    }
    if (count > MAX_CLIENT_MESSAGES) {
      throw refuse(SsoErrorCode.UNEXPECTED, "more than " + MAX_CLIENT_MESSAGES + " messages");
    }
    if (read instanceof SsoLines.Read.Refused r) {
      lines.send(r.problem().toReply());
      return null;
    }
    return ((SsoLines.Read.Message) read).message();
  }

  private void checkSignature(SsoMessage.Signature s, int resets)
      throws IOException, SsoRefusedException {
    if (s.versions().negotiate(VersionRange.V1).isEmpty()) {
      throw refuse(
          SsoErrorCode.NO_COMMON_VERSION,
          "no common protocol version: ours " + VersionRange.V1 + ", peer's " + s.versions());
    }
    if (!s.nonce().equals(nonce)) {
      throw refuse(SsoErrorCode.UNEXPECTED, "a signature of another session");
    }
    if (resets > MAX_RESETS) {
      throw refuse(SsoErrorCode.UNEXPECTED, "more than " + MAX_RESETS + " resets");
    }
  }

  private SsoMessage info(String attr) {
    return switch (attr) {
      case "spn" -> new SsoMessage.Ok(Map.of("spn", spn));
      case "time" -> new SsoMessage.Ok(Map.of("time", clock.millis()));
      default -> error(SsoErrorCode.UNSUPPORTED, "no such attribute");
    };
  }

  /**
   * The decision, then its sealed result. Whatever the delivery does, the outcome is the decision's
   * (it has stored and unlocked already); the delegated ticket is destroyed once decided.
   */
  private Outcome finish(GssapiServer server) throws SsoAuthException {
    String principal = server.clientPrincipal();
    Optional<KerberosTicket> tgt = server.delegatedTgt();
    SsoMessage result;
    try {
      result = acceptance.decide(principal, tgt);
    } finally {
      tgt.ifPresent(GuestExchange::destroy);
    }
    boolean delivered;
    try {
      byte[] line = SsoCodec.encode(result).getBytes(StandardCharsets.UTF_8);
      lines.send(new SsoMessage.Sealed(server.seal(line)));
      delivered = true;
    } catch (IOException | SsoAuthException | IllegalArgumentException e) {
      delivered = false;
    }
    return new Outcome(principal, tgt.isPresent(), result, delivered);
  }

  private static void destroy(KerberosTicket ticket) {
    try {
      ticket.destroy();
    } catch (DestroyFailedException e) {
      // left to the collector
    }
  }

  private SsoRefusedException refuse(SsoErrorCode code, String text) throws IOException {
    lines.send(error(code, text));
    return new SsoRefusedException(code.wire(), text);
  }

  private static SsoMessage.Error error(SsoErrorCode code, String text) {
    return new SsoMessage.Error(code.wire(), text);
  }

  private static SsoErrorCode codeOf(SsoAuthException e) {
    return switch (e.reason()) {
      case REPLAY -> SsoErrorCode.REPLAY;
      case CHANNEL_BINDING_MISMATCH -> SsoErrorCode.CHANNEL_BINDING;
      case TOO_LARGE -> SsoErrorCode.BAD_MESSAGE;
      default -> SsoErrorCode.AUTH_FAILED;
    };
  }

  private static byte[] orEmpty(byte[] token) {
    return token == null ? new byte[0] : token;
  }

  private static void dispose(GssapiServer server) {
    if (server != null) {
      server.dispose();
    }
  }
}
