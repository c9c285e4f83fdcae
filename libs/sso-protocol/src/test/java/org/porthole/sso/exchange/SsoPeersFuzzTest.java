package org.porthole.sso.exchange;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Fuzz targets for both peers at the exchange level: whatever bytes the other side writes, the
 * guest's and the client's exchange end refused within their bounds (see {@link SsoPeers}). Every
 * test run replays the seeds in {@code SsoPeersFuzzTestInputs/}; {@code JAZZER_FUZZ=1 ./mvnw test
 * -pl libs/sso-protocol -Dtest=SsoPeersFuzzTest} fuzzes for the given duration.
 */
class SsoPeersFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void theGuestTakesAnyClientBytes(byte[] clientBytes) throws IOException {
    SsoPeers.guestTakes(clientBytes);
  }

  @FuzzTest(maxDuration = "60s")
  void theClientTakesAnyGuestBytes(byte[] guestBytes) throws IOException {
    SsoPeers.clientTakes(guestBytes);
  }
}
