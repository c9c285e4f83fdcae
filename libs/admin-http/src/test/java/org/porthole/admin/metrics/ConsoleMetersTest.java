package org.porthole.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.admin.metrics.ConsoleMeters.Channel;
import org.porthole.admin.metrics.ConsoleMeters.Direction;
import org.porthole.admin.metrics.ConsoleMeters.Mode;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.admin.MetricsScrape;

/** The console series under their Prometheus names, as a scraper reads them. */
class ConsoleMetersTest {
  @Test
  void seriesHaveThePlannedNamesAndTags() {
    try (ServiceMeters meters = ServiceMeters.create("ws-proxy")) {
      ConsoleMeters consoles = new ConsoleMeters(meters.registry());
      MetricsScrape before = MetricsScrape.parse(meters.scrape());
      assertThat(before.find("porthole_consoles_open")).hasSize(4);
      assertThat(before.sum("porthole_consoles_open")).isZero();
      assertThat(before.sum("porthole_token_verifications_total", "result", "ok")).isZero();

      ConsoleMeters.OpenConsole a = consoles.opened(Mode.INTERACTIVE, Channel.VNC);
      ConsoleMeters.OpenConsole b = consoles.opened(Mode.VIEW, Channel.VNC);
      consoles.opened(Mode.INTERACTIVE, Channel.SSO);
      consoles.bytes(Direction.TO_VM).increment(10);
      consoles.bytes(Direction.TO_CLIENT).increment(1000);
      consoles.bytes(Direction.TO_CLIENT).increment(24);
      consoles.ended(PortholeStatus.UPSTREAM_UNAVAILABLE);
      consoles.ended(PortholeStatus.UPSTREAM_UNAVAILABLE);
      consoles.ended(PortholeStatus.CLOSED);
      consoles.ended(PortholeStatus.CONFLICT);
      consoles.ended(PortholeStatus.FORBIDDEN);
      consoles.tokenAccepted();
      consoles.tokenRefused(PortholeStatus.TOKEN_REJECTED);
      a.close();
      a.close();

      MetricsScrape s = MetricsScrape.parse(meters.scrape());
      assertThat(s.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc")).isZero();
      assertThat(s.sum("porthole_consoles_open", "mode", "view", "channel", "vnc")).isEqualTo(1);
      assertThat(s.sum("porthole_consoles_open", "mode", "interactive", "channel", "sso"))
          .isEqualTo(1);
      assertThat(s.sum("porthole_relay_bytes_total", "direction", "to_vm")).isEqualTo(10);
      assertThat(s.sum("porthole_relay_bytes_total", "direction", "to_client")).isEqualTo(1024);
      assertThat(s.sum("porthole_relay_errors_total", "status", "UPSTREAM_UNAVAILABLE"))
          .isEqualTo(2);
      assertThat(s.sum("porthole_relay_errors_total"))
          .as("ordered ends are not errors")
          .isEqualTo(2);
      assertThat(s.sum("porthole_consoles_ended_total")).isEqualTo(5);
      assertThat(s.sum("porthole_consoles_ended_total", "status", "CONFLICT")).isEqualTo(1);
      assertThat(s.sum("porthole_token_verifications_total", "result", "ok")).isEqualTo(1);
      assertThat(s.sum("porthole_token_verifications_total", "result", "TOKEN_REJECTED"))
          .isEqualTo(1);
      assertThat(s.find("porthole_relay_bytes_total").get(0).labels())
          .containsEntry("service", "ws-proxy");
      b.close();
      assertThat(MetricsScrape.parse(meters.scrape()).sum("porthole_consoles_open")).isEqualTo(1);
    }
  }
}
