package org.porthole.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Writes {@link PortholeStatus} as an ES module, so the web viewer's close-code table is generated
 * from this one table at build time instead of kept by hand. The viewer's build runs {@link #main}.
 */
public final class StatusTableScript {

  private StatusTableScript() {}

  /** Writes the module to the file named by {@code args[0]}, creating its directory. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: StatusTableScript <output .js file>");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, render(), StandardCharsets.UTF_8);
  }

  /** The module's text: {@code STATUS_TABLE} rows and the {@code CLOSE_CODE_STATUS} pairs. */
  public static String render() {
    StringBuilder js = new StringBuilder();
    js.append("// Generated at build time from org.porthole.status.PortholeStatus (libs/status).\n")
        .append("// Do not edit: change the Java table, and docs/contracts.md with it.\n\n")
        .append("/** Every status: its HTTP status, WebSocket close code and gRPC code. */\n")
        .append("export const STATUS_TABLE = Object.freeze([\n");
    SortedSet<Integer> closeCodes = new TreeSet<>();
    for (PortholeStatus s : PortholeStatus.values()) {
      js.append("  Object.freeze({ status: '")
          .append(s.name())
          .append("', http: ")
          .append(s.httpStatus())
          .append(", webSocket: ")
          .append(s.webSocketCloseCode())
          .append(", grpc: ")
          .append(s.grpcCode())
          .append(" }),\n");
      closeCodes.add(s.webSocketCloseCode());
    }
    closeCodes.add(PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA);
    js.append("]);\n\n")
        .append(
            "/** [close code, status] for every close code of the table: what a client names. */\n")
        .append("export const CLOSE_CODE_STATUS = Object.freeze([\n");
    for (int code : closeCodes) {
      String status = PortholeStatus.fromWebSocketCloseCode(code).orElseThrow().name();
      js.append("  Object.freeze([").append(code).append(", '").append(status).append("']),\n");
    }
    return js.append("]);\n").toString();
  }
}
