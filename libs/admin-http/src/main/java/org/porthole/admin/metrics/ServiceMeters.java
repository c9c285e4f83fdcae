package org.porthole.admin.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A service's meters: a Prometheus registry whose every series carries {@code service=<name>}, with
 * the JVM's and the process's binders (memory, GC, threads, classes, CPU, uptime, open files), as
 * the engine's Quarkus Micrometer registers them.
 */
public final class ServiceMeters implements AutoCloseable {
  /** The tag every series carries. */
  public static final String SERVICE_TAG = "service";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private ServiceMeters(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** A registry for {@code service} (e.g. {@code ws-proxy}), with the JVM and process binders. */
  public static ServiceMeters create(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(SERVICE_TAG, service);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new ServiceMeters(registry, gc);
  }

  /** Where the service registers its own meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every series now, in Prometheus' text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
