package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class SameOriginFilterTest {

  private static final PublicOrigins ENGINE = PublicOrigins.parse("http://localhost:8080");
  private static final String API = "/api/v1/vms/x/consoles";

  private static boolean allowed(HttpMethod method, String path, String origin) {
    return SameOriginFilter.allowed(method, path, origin, ENGINE);
  }

  @Test
  void rejectsForeignOriginOnEveryWritingMethod() {
    for (HttpMethod method :
        new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE}) {
      assertThat(allowed(method, API, "http://evil.example")).as(method.name()).isFalse();
    }
  }

  @Test
  void rejectsLookAlikeOrigins() {
    assertThat(allowed(HttpMethod.POST, API, "http://localhost:8081")).as("other port").isFalse();
    assertThat(allowed(HttpMethod.POST, API, "https://localhost:8080"))
        .as("other scheme")
        .isFalse();
    assertThat(allowed(HttpMethod.POST, API, "http://localhost.evil.example:8080"))
        .as("suffix")
        .isFalse();
    assertThat(allowed(HttpMethod.POST, API, "http://127.0.0.1:8080"))
        .as("other host name")
        .isFalse();
    assertThat(allowed(HttpMethod.POST, API, "http://localhost")).as("default port").isFalse();
  }

  @Test
  void rejectsOpaqueAndMalformedOrigins() {
    for (String origin :
        new String[] {
          "null",
          "",
          " ",
          "localhost:8080",
          "http://",
          "::::",
          "http://localhost:8080/path",
          "http://local host:8080",
          "\u0000",
          "http://user@localhost:8080",
          "file://localhost:8080"
        }) {
      assertThat(allowed(HttpMethod.POST, API, origin)).as("origin '%s'", origin).isFalse();
    }
  }

  /**
   * DNS rebinding: a hostile page on a name that resolves to the engine sends that name as Host and
   * as Origin. Only the configured public URL counts, so the request's own Host never does.
   */
  @Test
  void rejectsRebindingOriginThatMatchesOnlyTheHostHeader() {
    assertThat(allowed(HttpMethod.POST, API, "http://rebind.evil.example:8080")).isFalse();
  }

  @Test
  void allowsThePublicOriginsAnyCase() {
    assertThat(allowed(HttpMethod.POST, API, "http://localhost:8080")).isTrue();
    assertThat(allowed(HttpMethod.DELETE, API, "HTTP://LOCALHOST:8080")).isTrue();
    PublicOrigins two = PublicOrigins.parse("https://engine.example, http://127.0.0.1:8080");
    assertThat(SameOriginFilter.allowed(HttpMethod.POST, API, "https://engine.example", two))
        .as("default port on both sides")
        .isTrue();
    assertThat(SameOriginFilter.allowed(HttpMethod.POST, API, "https://engine.example:443", two))
        .isTrue();
    assertThat(SameOriginFilter.allowed(HttpMethod.POST, API, "http://127.0.0.1:8080", two))
        .isTrue();
    assertThat(two.https()).isTrue();
    assertThat(ENGINE.https()).isFalse();
  }

  @Test
  void allowsNonBrowserClientsWithoutOrigin() {
    assertThat(allowed(HttpMethod.POST, API, null)).isTrue();
  }

  @Test
  void allowsReadsAndNonApiPathsFromAnyOrigin() {
    assertThat(allowed(HttpMethod.GET, API, "http://evil.example")).isTrue();
    assertThat(allowed(HttpMethod.HEAD, API, "http://evil.example")).isTrue();
    assertThat(allowed(HttpMethod.POST, "/logout", "http://evil.example")).isTrue();
  }

  @Test
  void refusesToStartWithoutAUsablePublicUrl() {
    assertThatThrownBy(() -> PublicOrigins.parse(" , ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> PublicOrigins.parse("localhost:8080"))
        .hasMessageContaining("localhost:8080");
    assertThatThrownBy(() -> PublicOrigins.parse("ftp://engine.example"))
        .hasMessageContaining("ftp");
  }
}
