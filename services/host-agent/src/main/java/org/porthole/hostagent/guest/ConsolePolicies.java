package org.porthole.hostagent.guest;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last console policy set per VM, in memory only: the engine owns policies and sets them again
 * (after an agent restart a VM has {@link ConsolePolicy#DEFAULT} until it does). Thread-safe.
 */
public final class ConsolePolicies {
  private final Map<String, ConsolePolicy> byVm = new ConcurrentHashMap<>();

  /** The VM's policy, or the default. */
  public ConsolePolicy get(String vmUuid) {
    return byVm.getOrDefault(vmUuid.toLowerCase(Locale.ROOT), ConsolePolicy.DEFAULT);
  }

  public void set(String vmUuid, ConsolePolicy policy) {
    byVm.put(vmUuid.toLowerCase(Locale.ROOT), policy);
  }
}
