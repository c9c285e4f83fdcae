package org.porthole.engine.inventory;

import java.util.Locale;
import org.porthole.api.events.v1.LifecycleDetails;
import org.porthole.api.hostagent.v1.DomainState;

/** A VM's run state as the engine stores and shows it (lower case on the wire). */
public enum VmState {
  RUNNING,
  PAUSED,
  SHUTOFF,
  CRASHED,
  SUSPENDED,
  OTHER,
  /**
   * Leaving its host by live migration: paused for the last copy ({@code SUSPENDED/MIGRATED}) or
   * already gone from it ({@code STOPPED/MIGRATED}) while the engine has not yet moved it to its
   * destination ({@link ClaimedMoves}). No tickets meanwhile: a request is told to ask again.
   */
  MIGRATING,
  UNKNOWN;

  /** The name stored in the database and sent to clients: {@code running}, {@code shutoff}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored name; anything unexpected becomes {@link #UNKNOWN}. */
  public static VmState fromWireName(String name) {
    for (VmState state : values()) {
      if (state.wireName().equals(name)) {
        return state;
      }
    }
    return UNKNOWN;
  }

  /**
   * The state a lifecycle event leaves: {@link #MIGRATING} for the source's {@code
   * SUSPENDED/MIGRATED} and {@code STOPPED/MIGRATED}, else the agent's domain state. (A failed
   * migration resumes the source with {@code RESUMED/MIGRATED}: running again.)
   */
  public static VmState afterLifecycle(DomainState state, String detail) {
    if (LifecycleDetails.leavesByMigration(detail)) {
      return MIGRATING;
    }
    return fromProto(state);
  }

  /** Maps the agent's domain state. */
  public static VmState fromProto(DomainState state) {
    switch (state) {
      case DOMAIN_STATE_RUNNING:
        return RUNNING;
      case DOMAIN_STATE_PAUSED:
        return PAUSED;
      case DOMAIN_STATE_SHUTOFF:
        return SHUTOFF;
      case DOMAIN_STATE_CRASHED:
        return CRASHED;
      case DOMAIN_STATE_SUSPENDED:
        return SUSPENDED;
      case DOMAIN_STATE_OTHER:
        return OTHER;
      default:
        return UNKNOWN;
    }
  }
}
