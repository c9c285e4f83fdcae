package org.porthole.hostagent.sso;

import java.nio.file.Path;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * The checks an SSO stream passes before it touches the VM, in order (docs/sso-protocol.md,
 * "Transport"): the token (an {@code ch=sso} token of this host, redeemed once), the session not
 * ended by the engine, the session's interactive console relaying now, the guest agent connected,
 * the VM's SSO port known, and finally the VM's one SSO claim. The claim comes last and before any
 * connect: a second client is refused at once, so QEMU never sees a second connection to a chardev
 * it serves one at a time. Runs on a verifier thread.
 */
final class SsoOpening {
  /** What the stream connects to once every check passed. */
  record Opened(ConsoleClaims claims, Path socket) {}

  private SsoOpening() {}

  /**
   * Checks {@code token} for {@code stream}; binds the claims to it before the session checks (so
   * an EndConsoles or a console end either sees the stream or the stream sees the end) and claims
   * the VM's port last.
   *
   * @throws AgentException the refusal; {@link SsoStream#claims()} tells whether the token verified
   */
  static Opened check(SsoRelays relays, SsoStream stream, String token) throws AgentException {
    ConsoleClaims c = relays.authorizer().authorize(token, ConsoleClaims.CHANNEL_SSO);
    stream.bind(c);
    String vm = c.vmUuid();
    String sid = c.sessionId();
    if (c.viewOnly() || c.sso() == null) {
      throw new AgentException(
          PortholeStatus.FORBIDDEN, "SSO needs an interactive console; this token is view-only");
    }
    if (relays.sessionEnded(vm, sid)) {
      throw new AgentException(
          PortholeStatus.FORBIDDEN, "console session " + sid + " was ended by the engine");
    }
    if (!relays.live().live(vm, sid)) {
      throw new AgentException(
          PortholeStatus.FORBIDDEN,
          "the console of session "
              + sid
              + " is not open on domain "
              + vm
              + "; SSO runs only beside its live interactive console");
    }
    GuestSnapshot guest = relays.guests().state(vm);
    if (!guest.connected() || !guest.responsive()) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the guest agent of domain " + vm + " is not connected or does not answer");
    }
    Path socket =
        relays
            .ports()
            .socket(vm)
            .orElseThrow(
                () ->
                    new AgentException(
                        PortholeStatus.UPSTREAM_UNAVAILABLE,
                        "domain " + vm + " has no " + SsoRelays.SSO_PORT + " channel"));
    relays.claim(vm, stream);
    return new Opened(c, socket);
  }
}
