package org.porthole.engine.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Tags every series the engine exports with {@code service=engine}, as the ws-proxy and the host
 * agents tag theirs, so one Prometheus query can tell the services apart.
 */
public class ServiceTag {

  /** The tag's name on every Porthole series. */
  public static final String NAME = "service";

  /** This service's value. */
  public static final String ENGINE = "engine";

  @Produces
  @Singleton
  MeterFilter serviceTag() {
    return MeterFilter.commonTags(Tags.of(NAME, ENGINE));
  }
}
