package org.porthole.sso.exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.sso.gssapi.GssapiClient;
import org.porthole.sso.gssapi.SsoAuthException;
import org.porthole.sso.protocol.SsoCodec;
import org.porthole.sso.protocol.SsoErrorCode;
import org.porthole.sso.protocol.SsoLines;
import org.porthole.sso.protocol.SsoMessage;
import org.porthole.sso.protocol.SsoProtocolException;

/**
 * The viewer's side of one SSO exchange (docs/sso-protocol.md): waits for this session's signature
 * (dropping whatever an earlier client left in the port), answers authenticate with SASL GSSAPI
 * through a {@link GssapiClient} pinned to the engine's SPN and bound to the session, the nonce and
 * the guest's challenge, and opens the guest's sealed result. If the guest does not prove it holds
 * the pinned SPN's key, the client stops without another word; after the handshake only sealed
 * messages count. One exchange per instance, on one thread; the caller bounds it in time (a read
 * timeout on the channel).
 */
public final class ClientExchange {
  /** Most lines of an earlier client dropped while waiting for this session's signature. */
  public static final int MAX_STALE_LINES = 4096;

  /** Makes the GSSAPI client once the guest's challenge is known. */
  @FunctionalInterface
  public interface Clients {
    GssapiClient create(byte[] channelBinding) throws SsoAuthException;
  }

  private final SsoLines lines;
  private final String sessionId;
  private final String nonce;
  private final Clients clients;
  private GssapiClient.Outcome authenticated;

  /**
   * An exchange of console {@code sessionId} whose SSO token carried {@code nonce}, authenticating
   * with a client from {@code clients}.
   */
  public ClientExchange(SsoLines lines, String sessionId, String nonce, Clients clients) {
    this.lines = lines;
    this.sessionId = sessionId;
    this.nonce = nonce;
    this.clients = clients;
  }

  /**
   * Runs the exchange and returns the guest's {@code ok} result (e.g. user, principal, delegated,
   * session).
   *
   * @throws SsoRefusedException when the guest refused (its code), the guest could not prove its
   *     identity ({@code auth-failed}, nothing more is sent), or the channel closed ({@code
   *     closed})
   * @throws IOException when the channel fails
   */
  public Map<String, Object> run() throws IOException, SsoRefusedException {
    GssapiClient client = null;
    try {
      String challenge = awaitSignature();
      SsoMessage first = next();
      if (!(first instanceof SsoMessage.Authenticate a)
          || !a.types().contains(GuestExchange.KERBEROS)) {
        throw unexpected(first);
      }
      client = clients.create(SessionBinding.of(sessionId, nonce, challenge));
      lines.send(new SsoMessage.StartSasl(GuestExchange.MECHANISM, client.initialResponse()));
      while (!client.isComplete()) {
        SsoMessage m = next();
        if (!(m instanceof SsoMessage.Sasl s)) {
          throw unexpected(m);
        }
        lines.send(new SsoMessage.Sasl(client.evaluateChallenge(s.token())));
      }
      authenticated = client.outcome();
      return result(client, lines.next());
    } catch (SsoAuthException e) {
      throw new SsoRefusedException(SsoErrorCode.AUTH_FAILED.wire(), e.getMessage(), e);
    } finally {
      if (client != null) {
        client.dispose();
      }
    }
  }

  /**
   * What GSSAPI established (delegation, mutual authentication, names) once the handshake ended.
   */
  public GssapiClient.Outcome authenticated() {
    if (authenticated == null) {
      throw new IllegalStateException("the handshake has not completed");
    }
    return authenticated;
  }

  /** The challenge of this session's signature. */
  private String awaitSignature() throws IOException, SsoRefusedException {
    for (int stale = 0; stale <= MAX_STALE_LINES; stale++) {
      SsoLines.Read read = lines.next();
      if (read == null) {
        throw new SsoRefusedException("closed", "the channel closed before the guest's signature");
      }
      if (read instanceof SsoLines.Read.Message m
          && m.message() instanceof SsoMessage.Signature s
          && s.nonce().equals(nonce)) {
        if (s.versions().negotiate(VersionRange.V1).isEmpty()) {
          String text =
              "no common protocol version: ours " + VersionRange.V1 + ", peer's " + s.versions();
          lines.send(new SsoMessage.Error(SsoErrorCode.NO_COMMON_VERSION.wire(), text));
          throw new SsoRefusedException(SsoErrorCode.NO_COMMON_VERSION.wire(), text);
        }
        if (s.challenge().isEmpty()) {
          throw unexpectedText("a guest signature without a challenge");
        }
        return s.challenge();
      }
    }
    throw new SsoRefusedException(
        SsoErrorCode.UNEXPECTED.wire(), "no signature of this session among the first lines");
  }

  /**
   * The next message before the handshake ends; a guest's error ends the exchange with its code.
   */
  private SsoMessage next() throws IOException, SsoRefusedException {
    SsoLines.Read read = lines.next();
    if (read == null) {
      throw new SsoRefusedException("closed", "the guest closed the channel");
    }
    if (read instanceof SsoLines.Read.Refused r) {
      throw new SsoRefusedException(r.problem().code().wire(), r.problem().getMessage());
    }
    SsoMessage m = ((SsoLines.Read.Message) read).message();
    if (m instanceof SsoMessage.Error e) {
      throw peerRefusal(e);
    }
    return m;
  }

  /**
   * The guest's sealed result. Anything else after the handshake is not the guest's word (a relay
   * could have written it): it ends the exchange under this side's own code, not the peer's.
   */
  private Map<String, Object> result(GssapiClient client, SsoLines.Read read)
      throws SsoRefusedException, SsoAuthException {
    if (read == null) {
      throw new SsoRefusedException("closed", "the guest closed the channel before its result");
    }
    if (!(read instanceof SsoLines.Read.Message m)
        || !(m.message() instanceof SsoMessage.Sealed sealed)) {
      throw new SsoRefusedException(
          SsoErrorCode.UNEXPECTED.wire(), "an unsealed message after the handshake");
    }
    String line = new String(client.unseal(sealed.data()), StandardCharsets.UTF_8);
    SsoMessage opened;
    try {
      opened = SsoCodec.decode(line);
    } catch (SsoProtocolException e) {
      throw new SsoRefusedException(e.code().wire(), "the sealed result: " + e.getMessage());
    }
    if (opened instanceof SsoMessage.Error e) {
      throw peerRefusal(e);
    }
    if (!(opened instanceof SsoMessage.Ok ok)) {
      throw new SsoRefusedException(
          SsoErrorCode.UNEXPECTED.wire(), "the sealed result is neither ok nor error");
    }
    return ok.result();
  }

  /**
   * The guest's error under its own code when v1 defines that code; any other code (a newer or a
   * hostile guest's) is not passed on, so callers, logs and audit only ever see v1's codes.
   */
  private static SsoRefusedException peerRefusal(SsoMessage.Error e) {
    if (SsoErrorCode.fromWire(e.code()).isPresent()) {
      return new SsoRefusedException(e.code(), e.text());
    }
    return new SsoRefusedException(
        SsoErrorCode.BAD_MESSAGE.wire(),
        "the guest answered with an error code v1 does not define");
  }

  private SsoRefusedException unexpected(SsoMessage m) throws IOException {
    return unexpectedText(m.getClass().getSimpleName() + " out of turn");
  }

  private SsoRefusedException unexpectedText(String text) throws IOException {
    lines.send(new SsoMessage.Error(SsoErrorCode.UNEXPECTED.wire(), text));
    return new SsoRefusedException(SsoErrorCode.UNEXPECTED.wire(), text);
  }
}
