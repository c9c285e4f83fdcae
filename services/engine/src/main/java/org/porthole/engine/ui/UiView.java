package org.porthole.engine.ui;

import java.util.List;

/**
 * {@code GET /api/v1/ui}: {@code {"engine":{"health":url,"metrics":url},
 * "serviceLinks":[{"label","url"}]}}, the links of the page footer.
 */
public record UiView(Engine engine, List<ServiceLink> serviceLinks) {

  /** This engine's own health and metrics, as a browser reaches them. */
  public record Engine(String health, String metrics) {}
}
