package org.porthole.api.events.v1;

/**
 * What a {@code LifecycleEvent}'s {@code detail} ("TYPE/DETAIL", libvirt's event and its detail)
 * means beyond its state, where both the host agent and the engine act on it.
 */
public final class LifecycleDetails {
  private LifecycleDetails() {}

  /**
   * The VM is leaving its host by live migration: the source's last copy ({@code
   * SUSPENDED/MIGRATED}) and its end there ({@code STOPPED/MIGRATED}). A failed migration resumes
   * the source with {@code RESUMED/MIGRATED}; the destination's own events are arrivals.
   */
  public static boolean leavesByMigration(String detail) {
    return "SUSPENDED/MIGRATED".equals(detail) || "STOPPED/MIGRATED".equals(detail);
  }
}
