package org.porthole.engine.ui;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the page footer links: this engine's health and metrics, on its management interface as a
 * browser reaches it ({@code porthole.ui.admin-url}; unset: {@code http://} the first public URL's
 * host and the management port), and the operator's {@code porthole.ui.service-links}. Built at
 * start, so a bad setting stops the engine there with a message naming it.
 */
@Startup
@ApplicationScoped
public class UiLinks {

  static final String ADMIN_URL_KEY = "porthole.ui.admin-url";
  static final String HEALTH_PATH = "/q/health";
  static final String METRICS_PATH = "/metrics";
  private static final String MANAGEMENT_PORT = "quarkus.management.port";
  private static final int DEFAULT_MANAGEMENT_PORT = 9180;

  private final List<ServiceLink> serviceLinks;
  private final Optional<String> adminUrl;
  private final String publicHost;
  private final Config config;

  @Inject
  public UiLinks(
      @ConfigProperty(name = ServiceLinks.KEY) Optional<String> serviceLinks,
      @ConfigProperty(name = ADMIN_URL_KEY) Optional<String> adminUrl,
      @ConfigProperty(name = "porthole.public-url", defaultValue = "http://localhost:8080")
          String publicUrl,
      Config config) {
    this.serviceLinks = ServiceLinks.parse(serviceLinks);
    this.adminUrl = adminUrl.filter(url -> !url.isBlank()).map(UiLinks::checkedAdminUrl);
    this.publicHost = hostOf(publicUrl);
    this.config = config;
  }

  /** The footer's links now (the management port may have been chosen at start: port 0). */
  public UiView view() {
    String base = adminUrl.orElseGet(() -> "http://" + publicHost + ":" + managementPort());
    return new UiView(new UiView.Engine(base + HEALTH_PATH, base + METRICS_PATH), serviceLinks);
  }

  private int managementPort() {
    return config.getOptionalValue(MANAGEMENT_PORT, Integer.class).orElse(DEFAULT_MANAGEMENT_PORT);
  }

  private static String checkedAdminUrl(String configured) {
    String url = configured.strip();
    String problem = ServiceLinks.urlProblem(url);
    if (problem != null) {
      throw new IllegalArgumentException(ADMIN_URL_KEY + ": " + problem);
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The host of the first of the comma-separated public URLs ({@code localhost} when none). */
  static String hostOf(String publicUrls) {
    String first = publicUrls.split(",", -1)[0].strip();
    try {
      String host = new URI(first).getHost();
      return host == null || host.isEmpty() ? "localhost" : host;
    } catch (URISyntaxException e) {
      return "localhost";
    }
  }
}
