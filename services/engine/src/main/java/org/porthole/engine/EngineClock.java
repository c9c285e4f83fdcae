package org.porthole.engine;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Produces the engine's clock (UTC system time); tests of time-dependent logic pass a fixed one. */
public class EngineClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
