package org.porthole.sso.gssapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * Fuzz target for the RFC 4752 security-layer messages each peer unwraps from the other: any bytes
 * are an offer or choice within the rules, or a refusal for a reason, never an exception.
 */
class SecurityLayerFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void anyBytesAreAnOfferOrAChoiceOrARefusal(byte[] plain) {
    try {
      SecurityLayer.Message offer = SecurityLayer.parseOffer(plain);
      assertThat(offer.layers() & SecurityLayer.CONFIDENTIALITY).isNotZero();
    } catch (SsoAuthException e) {
      assertThat(e.reason()).isIn(Reason.BAD_TOKEN, Reason.LAYER_REFUSED);
    }
    try {
      SecurityLayer.Message choice = SecurityLayer.parseChoice(plain);
      assertThat(choice.layers()).isEqualTo(SecurityLayer.CONFIDENTIALITY);
      assertThat(choice.maxSize()).isGreaterThanOrEqualTo(SecurityLayer.MIN_CHOSEN_SIZE);
    } catch (SsoAuthException e) {
      assertThat(e.reason()).isIn(Reason.BAD_TOKEN, Reason.LAYER_REFUSED, Reason.AUTHZID_REFUSED);
    }
  }
}
