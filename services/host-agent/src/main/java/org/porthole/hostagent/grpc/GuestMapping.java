package org.porthole.hostagent.grpc;

import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.GuestCommandKind;
import org.porthole.api.hostagent.v1.GuestOs;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.guest.ConsolePolicy.Action;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.status.PortholeStatus;

/** Maps the guest channel's records to and from the wire messages of porthole.hostagent.v1. */
public final class GuestMapping {
  private static final int MAX_USER_CHARS = 256;
  private static final int MAX_RETURN_WAIT_MS = 60_000;

  private GuestMapping() {}

  public static GuestState toProto(GuestSnapshot s) {
    GuestSnapshot.GuestFacts f = s.facts();
    return GuestState.newBuilder()
        .setVmUuid(s.vmUuid())
        .setChannel(s.channel())
        .setConnected(s.connected())
        .setResponsive(s.responsive())
        .setAgentName(s.agentName())
        .setAgentVersion(s.agentVersion())
        .setProtocolVersion(s.protocolVersion())
        .setLastHeartbeatEpochMs(s.lastMessageAt().map(i -> i.toEpochMilli()).orElse(0L))
        .setOs(
            GuestOs.newBuilder()
                .setName(f.osName())
                .setVersion(f.osVersion())
                .setKernel(f.kernel())
                .setArch(f.arch()))
        .setHostname(f.hostname())
        .addAllIps(f.ips())
        .addAllUsers(f.users())
        .setSession(toProto(s.session()))
        .setLocked(s.locked())
        .setInstance(s.instance())
        .setSpn(s.spn())
        .build();
  }

  public static GuestSession toProto(GuestSnapshot.Session s) {
    return switch (s) {
      case UNKNOWN -> GuestSession.GUEST_SESSION_UNKNOWN;
      case UNLOCKED -> GuestSession.GUEST_SESSION_UNLOCKED;
      case LOCKED -> GuestSession.GUEST_SESSION_LOCKED;
      case LOGGED_OFF -> GuestSession.GUEST_SESSION_LOGGED_OFF;
    };
  }

  public static DisconnectAction toProto(Action a) {
    return switch (a) {
      case LOCK_SCREEN -> DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN;
      case LOG_OFF -> DisconnectAction.DISCONNECT_ACTION_LOG_OFF;
      case SHUTDOWN -> DisconnectAction.DISCONNECT_ACTION_SHUTDOWN;
      case REBOOT -> DisconnectAction.DISCONNECT_ACTION_REBOOT;
      case NONE -> DisconnectAction.DISCONNECT_ACTION_NONE;
    };
  }

  /** The action, or null for UNSPECIFIED and values this agent does not know. */
  public static Action fromProto(DisconnectAction a) {
    return switch (a) {
      case DISCONNECT_ACTION_LOCK_SCREEN -> Action.LOCK_SCREEN;
      case DISCONNECT_ACTION_LOG_OFF -> Action.LOG_OFF;
      case DISCONNECT_ACTION_SHUTDOWN -> Action.SHUTDOWN;
      case DISCONNECT_ACTION_REBOOT -> Action.REBOOT;
      case DISCONNECT_ACTION_NONE -> Action.NONE;
      default -> null;
    };
  }

  /** The command, or null for UNSPECIFIED and values this agent does not know. */
  public static GuestCommand.Kind fromProto(GuestCommandKind k) {
    return switch (k) {
      case GUEST_COMMAND_KIND_LOCK_SCREEN -> GuestCommand.Kind.LOCK_SCREEN;
      case GUEST_COMMAND_KIND_LOG_OFF -> GuestCommand.Kind.LOG_OFF;
      case GUEST_COMMAND_KIND_SHUTDOWN -> GuestCommand.Kind.SHUTDOWN;
      case GUEST_COMMAND_KIND_REBOOT -> GuestCommand.Kind.REBOOT;
      case GUEST_COMMAND_KIND_REFRESH -> GuestCommand.Kind.REFRESH;
      default -> null;
    };
  }

  public static ConsolePolicy toProto(String vmUuid, org.porthole.hostagent.guest.ConsolePolicy p) {
    return ConsolePolicy.newBuilder()
        .setVmUuid(vmUuid)
        .setDisconnectAction(toProto(p.action()))
        .setGraceMs(p.graceMs())
        .setReconnectWindowS(p.reconnectWindowSeconds())
        .build();
  }

  /**
   * The user a migration's destination waits for: at most 256 characters, none a control one; empty
   * when nobody is awaited.
   */
  public static String returningUser(String user) throws AgentException {
    if (user.length() > MAX_USER_CHARS || user.codePoints().anyMatch(Character::isISOControl)) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST,
          "returning_user must be at most " + MAX_USER_CHARS + " characters, none a control one");
    }
    return user;
  }

  /** How long a migration's destination waits for the user: 0 to 60,000 ms (the longest grace). */
  public static int returnWaitMs(int ms) throws AgentException {
    if (ms < 0 || ms > MAX_RETURN_WAIT_MS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "return_wait_ms must be 0.." + MAX_RETURN_WAIT_MS);
    }
    return ms;
  }
}
