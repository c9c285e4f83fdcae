package org.porthole.sso.gssapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.sso.gssapi.Refusals.refusal;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * The RFC 4752 security-layer messages on byte-exact examples, malformed input and limits; only
 * confidentiality is ever offered or accepted.
 */
class SecurityLayerTest {

  @Test
  void encodesTheServersOfferAsFourOctets() {
    byte[] offer = SecurityLayer.encode(SecurityLayer.CONFIDENTIALITY, 65536, "");
    assertThat(offer).containsExactly(0x04, 0x01, 0x00, 0x00);
  }

  @Test
  void encodesTheClientsChoiceWithItsAuthorizationIdAndNoNul() {
    byte[] choice = SecurityLayer.encode(SecurityLayer.CONFIDENTIALITY, 0x0A0B0C, "alice@R");
    assertThat(choice).containsExactly(0x04, 0x0A, 0x0B, 0x0C, 'a', 'l', 'i', 'c', 'e', '@', 'R');
  }

  @Test
  void readsAnOfferOfAllLayers() throws Exception {
    SecurityLayer.Message offer = SecurityLayer.parseOffer(bytes(0x07, 0xFF, 0xFF, 0xFF));
    assertThat(offer.layers()).isEqualTo(7);
    assertThat(offer.maxSize()).isEqualTo(SecurityLayer.MAX_SIZE);
    assertThat(offer.authorizationId()).isEmpty();
  }

  @Test
  void refusesAnOfferWithoutConfidentiality() {
    int layers = SecurityLayer.NONE | SecurityLayer.INTEGRITY;
    assertReason(() -> SecurityLayer.parseOffer(bytes(layers, 0, 1, 0)), Reason.LAYER_REFUSED);
  }

  @Test
  void refusesAnOfferWithNoRoomForAMessage() {
    assertReason(() -> SecurityLayer.parseOffer(bytes(0x04, 0, 0, 0)), Reason.LAYER_REFUSED);
  }

  @Test
  void refusesAnOfferOfAnyOtherLength() {
    assertReason(() -> SecurityLayer.parseOffer(bytes(0x04, 0, 1)), Reason.BAD_TOKEN);
    assertReason(() -> SecurityLayer.parseOffer(bytes(0x04, 0, 1, 0, 'x')), Reason.BAD_TOKEN);
  }

  @Test
  void readsTheClientsChoice() throws Exception {
    byte[] plain = SecurityLayer.encode(SecurityLayer.CONFIDENTIALITY, 4096, "alice@PORTHOLE.TEST");
    SecurityLayer.Message choice = SecurityLayer.parseChoice(plain);
    assertThat(choice.layers()).isEqualTo(SecurityLayer.CONFIDENTIALITY);
    assertThat(choice.maxSize()).isEqualTo(4096);
    assertThat(choice.authorizationId()).isEqualTo("alice@PORTHOLE.TEST");
  }

  @Test
  void refusesAChoiceOfIntegrityOrNoLayer() {
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x02, 0, 1, 0)), Reason.LAYER_REFUSED);
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x01, 0, 0, 0)), Reason.LAYER_REFUSED);
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x06, 0, 1, 0)), Reason.LAYER_REFUSED);
  }

  @Test
  void refusesAChoiceWithNoRoomForAMessage() {
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x04, 0, 0, 0)), Reason.LAYER_REFUSED);
    // a size under which the guest's sealed result would not fit: refused before anything is done
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x04, 0, 0x0F, 0xFF)), Reason.LAYER_REFUSED);
  }

  @Test
  void refusesAShortChoice() {
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x04, 0, 1)), Reason.BAD_TOKEN);
  }

  @Test
  void refusesAnAuthorizationIdThatIsNotUtf8OrHasNul() {
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x04, 0, 1, 0, 0xC3)), Reason.BAD_TOKEN);
    assertReason(() -> SecurityLayer.parseChoice(bytes(0x04, 0, 1, 0, 'a', 0)), Reason.BAD_TOKEN);
  }

  @Test
  void refusesToEncodeWhatDoesNotFit() {
    assertThatThrownBy(() -> SecurityLayer.encode(4, SecurityLayer.MAX_SIZE + 1, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SecurityLayer.encode(256, 1, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void everyChoiceSurvivesTheRoundTrip(
      @ForAll @IntRange(min = SecurityLayer.MIN_CHOSEN_SIZE, max = SecurityLayer.MAX_SIZE)
          int maxSize,
      @ForAll @AlphaChars @NumericChars @StringLength(max = 64) String authorizationId)
      throws Exception {
    byte[] plain = SecurityLayer.encode(SecurityLayer.CONFIDENTIALITY, maxSize, authorizationId);
    SecurityLayer.Message choice = SecurityLayer.parseChoice(plain);
    assertThat(choice.maxSize()).isEqualTo(maxSize);
    assertThat(choice.authorizationId()).isEqualTo(authorizationId);
    assertThat(plain).hasSize(4 + authorizationId.getBytes(StandardCharsets.UTF_8).length);
  }

  @Property(tries = 1000)
  void anyBytesAreAChoiceOrARefusal(@ForAll @Size(max = 64) byte[] plain) {
    try {
      SecurityLayer.Message choice = SecurityLayer.parseChoice(plain);
      assertThat(choice.layers()).isEqualTo(SecurityLayer.CONFIDENTIALITY);
      assertThat(choice.maxSize()).isGreaterThanOrEqualTo(SecurityLayer.MIN_CHOSEN_SIZE);
    } catch (SsoAuthException e) {
      assertThat(e.reason()).isIn(Reason.BAD_TOKEN, Reason.LAYER_REFUSED);
    }
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static void assertReason(Refusals.Step step, Reason reason) {
    assertThat(refusal(step).reason()).isEqualTo(reason);
  }
}
