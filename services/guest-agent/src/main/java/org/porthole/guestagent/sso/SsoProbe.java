package org.porthole.guestagent.sso;

import java.util.Map;

/**
 * What a test image shows of each SSO exchange (the console-test backend's probe, {@link
 * CcacheProbe}); {@link #NONE} elsewhere. Called on the exchange's thread: {@link #begun} before
 * the SSO port is opened, {@link #ended} with the report before the {@code sso} event is sent.
 * Implementations never throw and never show key material.
 */
public interface SsoProbe {
  /** The probe of a real guest: shows nothing. */
  SsoProbe NONE =
      new SsoProbe() {
        @Override
        public void begun(SsoRunner.Begin begin) {}

        @Override
        public void ended(SsoRunner.Begin begin, Map<String, Object> report) {}
      };

  /** An exchange for {@code begin} starts. */
  void begun(SsoRunner.Begin begin);

  /** The exchange of {@code begin} ended with {@code report} (the {@code sso} event's fields). */
  void ended(SsoRunner.Begin begin, Map<String, Object> report);
}
