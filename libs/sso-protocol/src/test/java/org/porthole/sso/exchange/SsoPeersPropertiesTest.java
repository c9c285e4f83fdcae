package org.porthole.sso.exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.sso.protocol.SsoCodec;
import org.porthole.sso.protocol.SsoMessage;

/**
 * Generated conversations for both peers: sequences of valid messages in any order (this session's
 * and others'), malformed JSON, oversized and blank lines, cut short anywhere (an early end), fed
 * to the guest's and the client's exchange with a GSSAPI factory that refuses (see {@link
 * SsoPeers}).
 */
class SsoPeersPropertiesTest {
  private static final String CHALLENGE = "Q2hhbGxlbmdlMDEyMzQ1Ng";

  @Property(tries = 300)
  void theGuestEndsRefusedWithinItsBounds(@ForAll("conversations") byte[] clientBytes)
      throws IOException {
    Statistics.label("guest").collect(SsoPeers.guestTakes(clientBytes));
  }

  @Property(tries = 300)
  void theClientEndsRefusedWithinItsBounds(@ForAll("conversations") byte[] guestBytes)
      throws IOException {
    Statistics.label("client").collect(SsoPeers.clientTakes(guestBytes));
  }

  /**
   * Up to 40 lines around, now and then, this session's greeting (signature and authenticate), so
   * the client reaches its GSSAPI factory; joined, then cut at any point or left whole.
   */
  @Provide
  Arbitrary<byte[]> conversations() {
    String greeting =
        SsoCodec.encode(new SsoMessage.Signature(VersionRange.V1, SsoPeers.NONCE, CHALLENGE))
            + "\n"
            + SsoCodec.encode(new SsoMessage.Authenticate(List.of("kerberos")))
            + "\n";
    Arbitrary<String> before = lines().list().ofMaxSize(20).map(l -> String.join("", l));
    Arbitrary<String> after = lines().list().ofMaxSize(20).map(l -> String.join("", l));
    Arbitrary<byte[]> whole =
        Combinators.combine(before, Arbitraries.of("", greeting), after)
            .as((b, g, a) -> (b + g + a).getBytes(StandardCharsets.UTF_8));
    return Combinators.combine(
            whole, Arbitraries.integers().between(0, 100), Arbitraries.of(true, false))
        .as(
            (bytes, percent, cut) ->
                cut ? Arrays.copyOf(bytes, bytes.length * percent / 100) : bytes);
  }

  private Arbitrary<String> lines() {
    Arbitrary<String> valid = messages().map(m -> SsoCodec.encode(m) + "\n");
    Arbitrary<String> garbage =
        Arbitraries.strings().ofMaxLength(200).map(s -> s.replace("\n", "") + "\n");
    Arbitrary<String> broken = valid.map(l -> l.substring(0, Math.max(0, l.length() / 2)) + "\n");
    Arbitrary<String> oversized =
        Arbitraries.integers()
            .between(1, 64)
            .map(
                n ->
                    "{\"type\":\"info\",\"attr\":\""
                        + "x".repeat(SsoCodec.MAX_LINE_BYTES + n)
                        + "\"}\n");
    return Arbitraries.frequencyOf(
        Tuple.of(12, valid),
        Tuple.of(3, garbage),
        Tuple.of(2, broken),
        Tuple.of(1, oversized),
        Tuple.of(1, Arbitraries.of("\n", "  \n", "\r\n")));
  }

  /** Both directions' messages, this session's more often than another's. */
  private Arbitrary<SsoMessage> messages() {
    Arbitrary<byte[]> tokens = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<String> nonces =
        Arbitraries.of(SsoPeers.NONCE, SsoPeers.NONCE, "another-session-nonce-0");
    Arbitrary<VersionRange> versions =
        Arbitraries.of(VersionRange.V1, VersionRange.V1, new VersionRange(2, 3));
    Arbitrary<String> challenges = Arbitraries.of("", CHALLENGE);
    return Arbitraries.oneOf(
        Combinators.combine(versions, nonces, challenges).as(SsoMessage.Signature::new),
        Arbitraries.of(List.of("kerberos"), List.of("password"), List.of("password", "kerberos"))
            .map(SsoMessage.Authenticate::new),
        Combinators.combine(Arbitraries.of("GSSAPI", "PLAIN"), tokens)
            .as(SsoMessage.StartSasl::new),
        Arbitraries.just(new SsoMessage.StartTls()),
        tokens.map(SsoMessage.Sasl::new),
        tokens.map(SsoMessage.Sealed::new),
        Arbitraries.of("spn", "time", "kvno").map(SsoMessage.Info::new),
        Arbitraries.just(new SsoMessage.Ok(Map.of("user", "alice"))),
        Arbitraries.of("unexpected", "auth-failed", "replay", "busy")
            .map(c -> new SsoMessage.Error(c, "refused")));
  }
}
