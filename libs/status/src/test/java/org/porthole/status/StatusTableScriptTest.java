package org.porthole.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTableScriptTest {

  @Test
  void writesEveryStatusRowAndTheStatusOfEveryCloseCode(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("generated/status-table.js");
    StatusTableScript.main(new String[] {out.toString()});
    String js = Files.readString(out);

    assertEquals(StatusTableScript.render(), js);
    for (PortholeStatus s : PortholeStatus.values()) {
      assertTrue(
          js.contains(
              "{ status: '%s', http: %d, webSocket: %d, grpc: %d }"
                  .formatted(s.name(), s.httpStatus(), s.webSocketCloseCode(), s.grpcCode())),
          s.name());
    }
    for (String pair :
        List.of("[1003, 'BAD_REQUEST']", "[4001, 'TOKEN_REJECTED']", "[4003, 'FORBIDDEN']")) {
      assertTrue(js.contains(pair), pair);
    }
    assertTrue(js.startsWith("// Generated at build time"));
  }
}
