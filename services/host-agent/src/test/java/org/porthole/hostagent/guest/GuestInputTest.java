package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a hostile guest reports is cut, cleaned and type-checked before anyone sees it. */
class GuestInputTest {

  @Test
  void controlCharactersAreReplacedSoGuestTextCannotForgeLogLines() {
    assertThat(GuestInput.text("vm1\nINFO forged\r\u001b[31m\u2028x"))
        .isEqualTo("vm1?INFO forged??[31m?x");
  }

  @Test
  void longTextIsCutAndNonStringsBecomeEmpty() {
    assertThat(GuestInput.text("a".repeat(10_000))).hasSize(GuestInput.MAX_TEXT_CHARS);
    assertThat(GuestInput.text(new BigDecimal(5))).isEmpty();
    assertThat(GuestInput.text(null)).isEmpty();
    assertThat(GuestInput.text(Map.of())).isEmpty();
  }

  @Test
  void listsKeepOnlyStringsAndAtMostSixtyFour() {
    List<Object> many = new ArrayList<>(IntStream.range(0, 1000).mapToObj(i -> "u" + i).toList());
    many.add(0, new BigDecimal(1));
    many.add(1, List.of("nested"));
    assertThat(GuestInput.texts(many)).hasSize(GuestInput.MAX_ITEMS).startsWith("u0");
    assertThat(GuestInput.texts("not a list")).isEmpty();
  }

  @Test
  void refreshWithWrongTypesGivesEmptyFactsNotAnError() {
    GuestSnapshot.GuestFacts f =
        GuestInput.facts(
            Map.of(
                "os",
                "Debian",
                "hostname",
                List.of(1),
                "ips",
                Map.of(),
                "users",
                List.of("alice", 7)));
    assertThat(f.osName()).isEmpty();
    assertThat(f.hostname()).isEmpty();
    assertThat(f.ips()).isEmpty();
    assertThat(f.users()).containsExactly("alice");
  }

  @Test
  void errorCodesFromTheGuestAreLoggedOnlyWhenPlain() {
    assertThat(GuestInput.code("bad-args")).isEqualTo("bad-args");
    assertThat(GuestInput.code("x\nINFO forged")).isEqualTo("(unprintable)");
    assertThat(GuestInput.code(null)).isEqualTo("(unprintable)");
  }

  @Test
  void floodsAreLoggedAtPowersOfTenOnly() {
    assertThat(
            java.util.stream.LongStream.rangeClosed(1, 2_000_000)
                .filter(LogThrottle::worthLogging)
                .boxed()
                .toList())
        .containsExactly(1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L);
  }
}
