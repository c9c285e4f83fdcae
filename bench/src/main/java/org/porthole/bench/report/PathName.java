package org.porthole.bench.report;

/** The three ways a client reaches the backend, in table column order. */
public enum PathName {
  DIRECT("direct"),
  WEBSOCKIFY("websockify"),
  PORTHOLE("porthole");

  private final String label;

  PathName(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The path named {@code label} (as on the command line). */
  public static PathName parse(String label) {
    for (PathName p : values()) {
      if (p.label.equals(label.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown path '" + label + "' (direct, websockify, porthole)");
  }
}
