package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MalformedBearerGuardTest {

  @Test
  void passesSignedJwtShapes() {
    assertThat(MalformedBearerGuard.isSignedJwtShape("eyJhbGciOiJSUzI1NiJ9.e30.AAAA")).isTrue();
    assertThat(MalformedBearerGuard.isSignedJwtShape("a-_b.c.d")).isTrue();
  }

  @Test
  void refusesEverythingElse() {
    for (String token :
        new String[] {
          "",
          "junk",
          "....",
          "a.b",
          "a.b.c.d",
          "a..c",
          ".b.c",
          "a.b.",
          "eyJ.e30.AA==",
          "a.b.c ",
          "a b.c.d",
          "\u00e9.b.c",
          "a.b.c\n"
        }) {
      assertThat(MalformedBearerGuard.isSignedJwtShape(token)).as("'%s'", token).isFalse();
    }
  }
}
