package org.porthole.engine.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceLinksTest {

  @Test
  void parsesLabelledHttpAndHttpsLinksInOrder() {
    assertThat(
            ServiceLinks.parse(
                Optional.of(
                    " ws-proxy health = http://127.0.0.1:9181/q/health ,"
                        + "Host agent (kvm-1) metrics=https://kvm-1.example:9182/metrics?x=a=b")))
        .containsExactly(
            new ServiceLink("ws-proxy health", "http://127.0.0.1:9181/q/health"),
            new ServiceLink(
                "Host agent (kvm-1) metrics", "https://kvm-1.example:9182/metrics?x=a=b"));
  }

  @Test
  void unsetOrBlankMeansNoLinks() {
    assertThat(ServiceLinks.parse(Optional.empty())).isEmpty();
    assertThat(ServiceLinks.parse(Optional.of("  "))).isEmpty();
  }

  @Test
  void rejectsScriptAndOtherSchemes() {
    for (String url :
        new String[] {
          "javascript:alert(1)", "data:text/html,x", "ftp://h/x", "file:///etc/passwd"
        }) {
      assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=" + url)))
          .hasMessage(
              "porthole.ui.service-links: entry 1 (x): only http and https URLs are allowed");
    }
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=/relative")))
        .hasMessageContaining("only http and https URLs are allowed");
  }

  @Test
  void rejectsCredentialsInAUrlWithoutRepeatingThem() {
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("a=http://h/,b=https://u:s3cret@h/")))
        .hasMessage(
            "porthole.ui.service-links: entry 2 (b): the URL must not carry user credentials");
  }

  @Test
  void rejectsMarkupOrEmptyLabels() {
    for (String label : new String[] {"<b>x</b>", "", " ", "-x", "a\"b", "a&b", "x".repeat(65)}) {
      assertThatThrownBy(() -> ServiceLinks.parse(Optional.of(label + "=http://h/")))
          .as(label)
          .hasMessageStartingWith("porthole.ui.service-links: entry 1: the label must be");
    }
  }

  @Test
  void rejectsMalformedEntriesNamingTheirPosition() {
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("a=http://h/,,b=http://h/")))
        .hasMessage("porthole.ui.service-links: entry 2 is empty (a stray comma?)");
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("http://h/")))
        .hasMessage("porthole.ui.service-links: entry 1 is not label=url");
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=http://h/a b")))
        .hasMessageEndingWith("the URL holds spaces or control characters");
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=http:///nohost")))
        .hasMessageEndingWith("the URL has no host");
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=")))
        .hasMessageEndingWith("the URL is empty");
    assertThatThrownBy(() -> ServiceLinks.parse(Optional.of("x=http://h/,".repeat(17))))
        .hasMessageContaining("at most 16");
  }

  @Test
  void engineLinksUseThePublicHostAndTheManagementPortUnlessAnAdminUrlIsSet() {
    var config =
        new SmallRyeConfigBuilder().withDefaultValue("quarkus.management.port", "9190").build();
    UiView derived =
        new UiLinks(
                Optional.empty(), Optional.empty(), "https://porthole.example, http://x", config)
            .view();
    assertThat(derived.engine().health()).isEqualTo("http://porthole.example:9190/q/health");
    assertThat(derived.engine().metrics()).isEqualTo("http://porthole.example:9190/metrics");
    assertThat(derived.serviceLinks()).isEmpty();

    UiView configured =
        new UiLinks(
                Optional.of("a=http://a/"),
                Optional.of("https://ops.example/engine/"),
                "http://localhost:8080",
                config)
            .view();
    assertThat(configured.engine().health()).isEqualTo("https://ops.example/engine/q/health");
    assertThat(configured.serviceLinks()).containsExactly(new ServiceLink("a", "http://a/"));
  }

  @Test
  void aBadSettingStopsTheStartWithTheKeyNamed() {
    var config = new SmallRyeConfigBuilder().build();
    assertThatThrownBy(
            () ->
                new UiLinks(
                    Optional.empty(), Optional.of("javascript:x"), "http://localhost", config))
        .hasMessage("porthole.ui.admin-url: only http and https URLs are allowed");
    assertThatThrownBy(
            () -> new UiLinks(Optional.of("nolabel"), Optional.empty(), "http://localhost", config))
        .hasMessageStartingWith("porthole.ui.service-links: entry 1");
  }
}
