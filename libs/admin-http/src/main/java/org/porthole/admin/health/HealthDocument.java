package org.porthole.admin.health;

import java.util.List;
import java.util.Map;

/**
 * Runs checks and writes SmallRye Health's JSON: {@code
 * {"status":"UP","checks":[{"name":"libvirt","status":"UP","data":{...}}]}}. The whole is UP when
 * every check is (no checks: UP). A check that throws is DOWN with the exception's class name as
 * its {@code error}; its message is not shown, since it may carry anything.
 */
public final class HealthDocument {
  private final boolean up;
  private final String json;

  private HealthDocument(boolean up, String json) {
    this.up = up;
    this.json = json;
  }

  /** Runs {@code checks} in order, now. */
  public static HealthDocument of(List<HealthCheck> checks) {
    StringBuilder out = new StringBuilder(128).append("{\"status\":\"");
    int statusAt = out.length();
    out.append("\",\"checks\":[");
    boolean all = true;
    String sep = "";
    for (HealthCheck check : checks) {
      CheckResult result = run(check);
      all &= result.up();
      out.append(sep).append("{\"name\":");
      string(out, check.name());
      out.append(",\"status\":\"").append(status(result.up())).append('"');
      if (!result.data().isEmpty()) {
        out.append(",\"data\":{");
        String dataSep = "";
        for (Map.Entry<String, String> e : result.data().entrySet()) {
          out.append(dataSep);
          string(out, e.getKey());
          out.append(':');
          string(out, e.getValue());
          dataSep = ",";
        }
        out.append('}');
      }
      out.append('}');
      sep = ",";
    }
    out.append("]}");
    out.insert(statusAt, status(all));
    return new HealthDocument(all, out.toString());
  }

  /** Whether every check was UP. */
  public boolean up() {
    return up;
  }

  /** 200 when UP, 503 otherwise. */
  public int httpStatus() {
    return up ? 200 : 503;
  }

  public String json() {
    return json;
  }

  private static CheckResult run(HealthCheck check) {
    try {
      CheckResult result = check.check();
      return result == null ? CheckResult.down("no answer") : result;
    } catch (RuntimeException e) {
      return CheckResult.down().with("error", e.getClass().getSimpleName());
    }
  }

  private static String status(boolean up) {
    return up ? "UP" : "DOWN";
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
