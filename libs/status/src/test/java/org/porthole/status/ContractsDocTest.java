package org.porthole.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/contracts.md's status table says exactly what {@link PortholeStatus} does. */
class ContractsDocTest {

  private static final Path CONTRACTS =
      Path.of(System.getProperty("porthole.repo", "../.."), "docs", "contracts.md");

  /** A row: `NAME` (an optional note) | HTTP | close code(s) | gRPC code name. */
  private static final Pattern ROW =
      Pattern.compile("^\\| `([A-Z_]+)`[^|]*\\| ([^|]+) \\| ([^|]+) \\| ([A-Z_]+) \\|$");

  /** The canonical gRPC code names (grpc/doc/statuscodes.md) of the values the table uses. */
  private static final Map<Integer, String> GRPC_NAMES =
      Map.of(
          0, "OK",
          3, "INVALID_ARGUMENT",
          5, "NOT_FOUND",
          7, "PERMISSION_DENIED",
          8, "RESOURCE_EXHAUSTED",
          9, "FAILED_PRECONDITION",
          13, "INTERNAL",
          14, "UNAVAILABLE",
          16, "UNAUTHENTICATED");

  @Test
  void documentedStatusTableEqualsTheJavaTableRowForRow() throws IOException {
    assertEquals(expectedRows(), documentedRows());
  }

  private static List<String> expectedRows() {
    List<String> rows = new ArrayList<>();
    for (PortholeStatus s : PortholeStatus.values()) {
      String http = s == PortholeStatus.CLOSED ? "—" : Integer.toString(s.httpStatus());
      String close = Integer.toString(s.webSocketCloseCode());
      if (s
          == PortholeStatus.fromWebSocketCloseCode(PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA)
              .orElseThrow()) {
        close = PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA + " / " + close;
      }
      rows.add(String.join(" | ", s.name(), http, close, GRPC_NAMES.get(s.grpcCode())));
    }
    return rows;
  }

  private static List<String> documentedRows() throws IOException {
    String doc = Files.readString(CONTRACTS, StandardCharsets.UTF_8);
    int start = doc.indexOf("## Status codes");
    int end = doc.indexOf("\n## ", start + 1);
    List<String> rows = new ArrayList<>();
    for (String line : doc.substring(start, end < 0 ? doc.length() : end).split("\n")) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        rows.add(String.join(" | ", m.group(1), m.group(2), m.group(3), m.group(4)));
      }
    }
    return rows;
  }
}
