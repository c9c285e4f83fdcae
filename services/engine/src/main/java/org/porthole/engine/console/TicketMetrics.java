package org.porthole.engine.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Counts console tickets as {@link ConsoleService#issue} decides them: {@code
 * porthole_tickets_issued_total{mode, channel}} counts signed tokens (a session with SSO counts
 * once for {@code vnc} and once for {@code sso}), {@code porthole_tickets_refused_total{reason}}
 * counts refusals by their status name, exactly the tickets audited as issued and refused. Made at
 * start, so the issued series are scraped (at 0) before the first ticket.
 */
@Startup
@ApplicationScoped
public class TicketMetrics {

  static final String ISSUED = "porthole.tickets.issued";
  static final String REFUSED = "porthole.tickets.refused";

  private final MeterRegistry registry;

  @Inject
  public TicketMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Every issued series exists from the start at 0, so a rate over it never starts with a gap.
    for (ConsoleMode mode : ConsoleMode.values()) {
      issuedCounter(mode, ConsoleClaims.CHANNEL_VNC);
      issuedCounter(mode, ConsoleClaims.CHANNEL_SSO);
    }
  }

  /** A session was issued: its VNC token, and its SSO token when it has one. */
  public void issued(ConsoleMode mode, boolean withSso) {
    issuedCounter(mode, ConsoleClaims.CHANNEL_VNC).increment();
    if (withSso) {
      issuedCounter(mode, ConsoleClaims.CHANNEL_SSO).increment();
    }
  }

  /** A ticket was refused with {@code status}. */
  public void refused(PortholeStatus status) {
    Counter.builder(REFUSED)
        .description("Console tickets refused, by the refusal's status")
        .tag("reason", status.name())
        .register(registry)
        .increment();
  }

  private Counter issuedCounter(ConsoleMode mode, String channel) {
    return Counter.builder(ISSUED)
        .description("Console tickets issued (signed tokens), by mode and channel")
        .tag("mode", mode.wireName())
        .tag("channel", channel)
        .register(registry);
  }
}
