package org.porthole.hostagent.libvirt;

import java.time.Instant;

/**
 * One libvirt lifecycle event.
 *
 * @param type libvirt's event type, e.g. "STARTED", "STOPPED", "UNDEFINED"
 * @param detail libvirt's detail, e.g. "BOOTED", "DESTROYED"; empty when unknown
 */
public record LifecycleSignal(String vmUuid, String name, String type, String detail, Instant at) {

  /** "TYPE/DETAIL" for humans. */
  public String describe() {
    return detail.isEmpty() ? type : type + "/" + detail;
  }

  /** True when the domain is gone from libvirt afterwards (no state to read). */
  public boolean removed() {
    return "UNDEFINED".equals(type);
  }
}
