package org.porthole.hostagent.guest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the host agent knows of one VM's guest agent at one moment: immutable, so the channel's
 * event loop publishes a new one after every change and any thread may read the latest.
 *
 * @param vmUuid the domain
 * @param channel the running domain has the control channel and the agent follows it
 * @param connected the socket is open and a hello agreed on a version
 * @param responsive a message arrived within the last missed-heartbeat window
 * @param agentName the guest program's name from its hello, empty before one
 * @param agentVersion the guest program's version, empty before a hello
 * @param protocolVersion the negotiated version, 0 before a hello
 * @param lastMessageAt when the last message of any kind arrived
 * @param facts what the last {@code refresh} reported
 * @param session the desktop session as last reported (refresh, command reply or event)
 * @param instance the guest agent's instance id, empty before a hello
 * @param spn the Kerberos service principal the guest reported ({@code get-spn}), empty when none
 */
public record GuestSnapshot(
    String vmUuid,
    boolean channel,
    boolean connected,
    boolean responsive,
    String agentName,
    String agentVersion,
    int protocolVersion,
    Optional<Instant> lastMessageAt,
    GuestFacts facts,
    Session session,
    String instance,
    String spn) {

  /** The guest's desktop session as protocol v1 names it. */
  public enum Session {
    UNKNOWN("unknown"),
    UNLOCKED("unlocked"),
    LOCKED("locked"),
    LOGGED_OFF("logged-off");

    private final String wire;

    Session(String wire) {
      this.wire = wire;
    }

    /** The session named {@code value} on the wire; UNKNOWN for anything else. */
    public static Session of(Object value) {
      for (Session s : values()) {
        if (s.wire.equals(value)) {
          return s;
        }
      }
      return UNKNOWN;
    }
  }

  public GuestSnapshot {
    Objects.requireNonNull(vmUuid, "vmUuid");
    Objects.requireNonNull(lastMessageAt, "lastMessageAt");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(spn, "spn");
  }

  /** A VM whose guest channel the agent does not follow (not running, or no channel). */
  public static GuestSnapshot none(String vmUuid) {
    return new GuestSnapshot(
        vmUuid,
        false,
        false,
        false,
        "",
        "",
        0,
        Optional.empty(),
        GuestFacts.NONE,
        Session.UNKNOWN,
        "",
        "");
  }

  /** Locked as far as anyone can tell: only a responsive guest that reported it locked. */
  public boolean locked() {
    return responsive && session == Session.LOCKED;
  }

  /**
   * What the guest reported in its last {@code refresh}; bounded copies of guest input.
   *
   * @param osName e.g. "Debian GNU/Linux"
   * @param ips the guest's addresses
   * @param users the logged-in users
   */
  public record GuestFacts(
      String osName,
      String osVersion,
      String kernel,
      String arch,
      String hostname,
      List<String> ips,
      List<String> users) {
    public static final GuestFacts NONE = new GuestFacts("", "", "", "", "", List.of(), List.of());

    public GuestFacts {
      ips = List.copyOf(ips);
      users = List.copyOf(users);
    }
  }

  GuestSnapshot withConnection(boolean channel, boolean connected, boolean responsive) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        responsive,
        agentName,
        agentVersion,
        protocolVersion,
        lastMessageAt,
        facts,
        session,
        instance,
        spn);
  }

  GuestSnapshot withPeer(String name, String version, int protocol, String peerInstance) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        responsive,
        name,
        version,
        protocol,
        lastMessageAt,
        facts,
        session,
        peerInstance,
        spn);
  }

  GuestSnapshot withLastMessage(Instant at, boolean isResponsive) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        isResponsive,
        agentName,
        agentVersion,
        protocolVersion,
        Optional.of(at),
        facts,
        session,
        instance,
        spn);
  }

  GuestSnapshot withFacts(GuestFacts newFacts) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        responsive,
        agentName,
        agentVersion,
        protocolVersion,
        lastMessageAt,
        newFacts,
        session,
        instance,
        spn);
  }

  GuestSnapshot withSession(Session newSession) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        responsive,
        agentName,
        agentVersion,
        protocolVersion,
        lastMessageAt,
        facts,
        newSession,
        instance,
        spn);
  }

  GuestSnapshot withSpn(String newSpn) {
    return new GuestSnapshot(
        vmUuid,
        channel,
        connected,
        responsive,
        agentName,
        agentVersion,
        protocolVersion,
        lastMessageAt,
        facts,
        session,
        instance,
        newSpn);
  }

  /**
   * True when a change from {@code before} to this is worth an event: responsiveness, connection,
   * lock state, users, agent version or SPN (not every heartbeat's timestamp).
   */
  public boolean differsNotablyFrom(GuestSnapshot before) {
    return before.channel != channel
        || before.connected != connected
        || before.responsive != responsive
        || before.session != session
        || !before.facts.users().equals(facts.users())
        || !before.agentVersion.equals(agentVersion)
        || !before.instance.equals(instance)
        || !before.spn.equals(spn);
  }
}
