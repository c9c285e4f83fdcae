package org.porthole.engine;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Produces the engine's clock (UTC system time); tests of time-dependent logic pass a fixed one.
 */
public class EngineClock {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
