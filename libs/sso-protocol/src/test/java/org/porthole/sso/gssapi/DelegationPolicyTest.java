package org.porthole.sso.gssapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The delegation policy's wire names: exact, lower case, and nothing else. */
class DelegationPolicyTest {

  @Test
  void parsesTheThreeWireNames() {
    assertThat(DelegationPolicy.parse("never")).isEqualTo(DelegationPolicy.NEVER);
    assertThat(DelegationPolicy.parse("ok-as-delegate")).isEqualTo(DelegationPolicy.OK_AS_DELEGATE);
    assertThat(DelegationPolicy.parse("always")).isEqualTo(DelegationPolicy.ALWAYS);
  }

  @ParameterizedTest
  @EnumSource(DelegationPolicy.class)
  void wireNameParsesBackToThePolicy(DelegationPolicy policy) {
    assertThat(DelegationPolicy.parse(policy.wireName())).isSameAs(policy);
  }

  @Test
  void defaultsToTheRealmsOkAsDelegateFlag() {
    assertThat(DelegationPolicy.defaultPolicy()).isEqualTo(DelegationPolicy.OK_AS_DELEGATE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "NEVER", "Always", "ok_as_delegate", "OK_AS_DELEGATE", " never"})
  void rejectsAnythingButTheExactWireNames(String name) {
    assertThatThrownBy(() -> DelegationPolicy.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected never, ok-as-delegate or always");
  }

  @Test
  void rejectsNoNameAndShortensALongOneInTheMessage() {
    assertThatThrownBy(() -> DelegationPolicy.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(none)");
    String longName = "x".repeat(500);
    assertThatThrownBy(() -> DelegationPolicy.parse(longName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(longName);
  }
}
