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
 * through a {@link GssapiClient} pinned to the engine's SPN, and opens the guest's sealed result.
 * If the guest does not prove it holds the pinned SPN's key, the client stops without another word.
 * One exchange per instance, on one thread.
 */
public final class ClientExchange {
  /** Most lines of an earlier client dropped while waiting for this session's signature. */
  public static final int MAX_STALE_LINES = 4096;

  private final SsoLines lines;
  private final String nonce;
  private final GssapiClient client;

  /** An exchange whose SSO token carried {@code nonce}, authenticating with {@code client}. */
  public ClientExchange(SsoLines lines, String nonce, GssapiClient client) {
    this.lines = lines;
    this.nonce = nonce;
    this.client = client;
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
    try {
      awaitSignature();
      SsoMessage first = next();
      if (!(first instanceof SsoMessage.Authenticate a)
          || !a.types().contains(GuestExchange.KERBEROS)) {
        throw unexpected(first);
      }
      lines.send(new SsoMessage.StartSasl(GuestExchange.MECHANISM, client.initialResponse()));
      while (!client.isComplete()) {
        SsoMessage m = next();
        if (!(m instanceof SsoMessage.Sasl s)) {
          throw unexpected(m);
        }
        byte[] response = client.evaluateChallenge(s.token());
        lines.send(new SsoMessage.Sasl(response == null ? new byte[0] : response));
      }
      return result(next());
    } catch (SsoAuthException e) {
      throw new SsoRefusedException(SsoErrorCode.AUTH_FAILED.wire(), e.getMessage(), e);
    }
  }

  private void awaitSignature() throws IOException, SsoRefusedException {
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
        return;
      }
    }
    throw new SsoRefusedException(
        SsoErrorCode.UNEXPECTED.wire(), "no signature of this session among the first lines");
  }

  /** The next message; a guest's error ends the exchange with its code. */
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
      throw new SsoRefusedException(e.code(), e.text());
    }
    return m;
  }

  private Map<String, Object> result(SsoMessage m)
      throws IOException, SsoRefusedException, SsoAuthException {
    if (!(m instanceof SsoMessage.Sealed sealed)) {
      throw unexpected(m);
    }
    String line = new String(client.unseal(sealed.data()), StandardCharsets.UTF_8);
    SsoMessage opened;
    try {
      opened = SsoCodec.decode(line);
    } catch (SsoProtocolException e) {
      throw new SsoRefusedException(e.code().wire(), "the sealed result: " + e.getMessage());
    }
    if (opened instanceof SsoMessage.Error e) {
      throw new SsoRefusedException(e.code(), e.text());
    }
    if (!(opened instanceof SsoMessage.Ok ok)) {
      throw unexpected(opened);
    }
    return ok.result();
  }

  private SsoRefusedException unexpected(SsoMessage m) throws IOException {
    String text = m.getClass().getSimpleName() + " out of turn";
    lines.send(new SsoMessage.Error(SsoErrorCode.UNEXPECTED.wire(), text));
    return new SsoRefusedException(SsoErrorCode.UNEXPECTED.wire(), text);
  }
}
