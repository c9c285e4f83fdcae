package org.porthole.admin.health;

import java.util.function.Supplier;

/**
 * One named check behind {@code /q/health}: {@link #check()} answers UP or DOWN with optional data
 * safe to show (never a secret, never a stack trace). A check runs on the admin server's thread at
 * each request, so it must be quick or bound its own time (see {@link BoundedCheck}).
 */
public interface HealthCheck {
  /** The check's name in the health document, e.g. {@code libvirt}. */
  String name();

  /** The check's answer now; an exception counts as DOWN. */
  CheckResult check();

  /** A check named {@code name} that answers what {@code check} supplies. */
  static HealthCheck of(String name, Supplier<CheckResult> check) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CheckResult check() {
        return check.get();
      }
    };
  }
}
