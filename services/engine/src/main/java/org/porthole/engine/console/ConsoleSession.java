package org.porthole.engine.console;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.auth.Caller;

/**
 * A console session as stored (the entity, not a wire type).
 *
 * @param subject the token's subject (the owner's user name)
 * @param expiresAt when the session's token can no longer open a console
 * @param connectSeenAt when a VNC client connected (GRAPHICS connect, before authentication)
 * @param connectedAt when the VNC client authenticated (GRAPHICS initialize)
 * @param closedAt when the VNC client went away, the unused ticket expired, or Porthole ended it
 * @param closeReason {@code disconnected}, {@code expired}, {@code taken-over} or {@code revoked};
 *     null while open
 * @param owner the user the console belongs to (lower case), whose access revocation checks
 * @param ownerGroups the owner's groups at issue, used for ACLs while the directory cannot be asked
 * @param ownerAdmin whether the owner held porthole-admin at issue
 * @param mode interactive or view
 */
public record ConsoleSession(
    UUID id,
    UUID vmId,
    String hostId,
    String subject,
    String channel,
    SessionState state,
    Instant createdAt,
    Instant expiresAt,
    Instant connectSeenAt,
    String clientAddress,
    Instant connectedAt,
    Instant closedAt,
    String closeReason,
    String owner,
    Set<String> ownerGroups,
    boolean ownerAdmin,
    ConsoleMode mode) {

  public ConsoleSession {
    ownerGroups = Set.copyOf(ownerGroups);
  }

  /** A new session in state issued for {@code owner}. */
  public static ConsoleSession issued(
      UUID id,
      UUID vmId,
      String hostId,
      Caller owner,
      String channel,
      ConsoleMode mode,
      Instant createdAt,
      Instant expiresAt) {
    return new ConsoleSession(
        id,
        vmId,
        hostId,
        owner.name(),
        channel,
        SessionState.ISSUED,
        createdAt,
        expiresAt,
        null,
        null,
        null,
        null,
        null,
        owner.name(),
        owner.groups(),
        owner.admin(),
        mode);
  }

  /** A new interactive session in state issued for a subject without groups (tests, tools). */
  public static ConsoleSession issued(
      UUID id,
      UUID vmId,
      String hostId,
      String subject,
      String channel,
      Instant createdAt,
      Instant expiresAt) {
    return new ConsoleSession(
        id,
        vmId,
        hostId,
        subject,
        channel,
        SessionState.ISSUED,
        createdAt,
        expiresAt,
        null,
        null,
        null,
        null,
        null,
        subject.toLowerCase(Locale.ROOT),
        Set.of(),
        false,
        ConsoleMode.INTERACTIVE);
  }

  /** The owner as they were at issue (groups and admin role then; no client address). */
  public Caller ownerAtIssue() {
    return new Caller(owner, ownerGroups, ownerAdmin, "");
  }

  /**
   * True while the session can still be used: connected, or issued with a token not yet expired.
   */
  public boolean isLive(Instant now) {
    return state == SessionState.CONNECTED
        || (state == SessionState.ISSUED && expiresAt.isAfter(now));
  }
}
