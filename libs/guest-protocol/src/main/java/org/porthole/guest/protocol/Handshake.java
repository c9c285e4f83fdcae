package org.porthole.guest.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One side of the hello exchange, shared by both agents so they follow the same rules
 * (docs/guest-protocol.md, "Versioning" and "Restarts"): a hello that is not itself an answer is
 * answered with our hello; the channel uses the highest common version; without one we send {@code
 * no-common-version} and close; a hello with a new instance id means the peer restarted (or is
 * new), so its state must be pulled again. The peer's instance survives {@link #channelReopened()}
 * so a restart is told apart from a mere reconnect.
 *
 * <p>Not thread-safe: driven by the channel's reader thread.
 */
public final class Handshake {
  private final Message.Hello own;
  private String peerInstance;
  private OptionalInt version = OptionalInt.empty();

  /** A handshake announcing {@code own} (its {@code answer} flag is ignored). */
  public Handshake(Message.Hello own) {
    this.own =
        new Message.Hello(own.versions(), own.agent(), own.agentVersion(), own.instance(), false);
  }

  /** What to send when the channel opens. */
  public Message.Hello opening() {
    return own;
  }

  /** The negotiated version, empty until a compatible peer hello arrived on this opening. */
  public OptionalInt version() {
    return version;
  }

  /** Forgets the negotiated version (the channel was closed and opened again). */
  public void channelReopened() {
    version = OptionalInt.empty();
  }

  /** Applies the peer's {@code hello} and says what to do about it. */
  public Outcome onPeerHello(Message.Hello peer) {
    Objects.requireNonNull(peer, "peer");
    boolean firstContact = peerInstance == null;
    boolean restarted = !firstContact && !peerInstance.equals(peer.instance());
    peerInstance = peer.instance();
    OptionalInt common = own.versions().negotiate(peer.versions());
    if (common.isEmpty()) {
      version = OptionalInt.empty();
      Message refusal =
          new Message.ErrorReply(
              null,
              ErrorCode.NO_COMMON_VERSION.wire(),
              "no common protocol version: ours " + own.versions() + ", peer's " + peer.versions());
      return new Outcome(OptionalInt.empty(), firstContact, restarted, Optional.of(refusal), true);
    }
    version = common;
    Optional<Message> reply = peer.answer() ? Optional.empty() : Optional.of(own.asAnswer());
    return new Outcome(common, firstContact, restarted, reply, false);
  }

  /**
   * What a peer hello means.
   *
   * @param version the version now in use, empty when there is none
   * @param firstContact the first hello seen from any peer instance
   * @param peerRestarted the peer's instance id differs from the one seen before
   * @param reply the message to send back, if any
   * @param close true when the channel must be closed after sending {@code reply}
   */
  public record Outcome(
      OptionalInt version,
      boolean firstContact,
      boolean peerRestarted,
      Optional<Message> reply,
      boolean close) {}
}
