package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 10, acceptance 1: the console token is the only credential. For a view ticket and an
 * interactive ticket, nothing the user receives — the REST answer, the page, the WebSocket's bytes
 * — opens QEMU's VNC around Porthole: every password-like string harvested from them, and the empty
 * password, is refused by QEMU before the console opens, while it is open and after it closed
 * (within the reconnect window). Through Porthole the console opens with security None, in the page
 * and with noVNC in both modes, and no answer carries a {@code password} field.
 */
class CredentialExposureIT {
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);

  /** Reads every attribute value and the text of the page, as a script in it could. */
  private static final String PAGE_TEXT =
      """
      const out = [document.body.innerText];
      for (const e of document.querySelectorAll('*')) {
        for (const a of e.attributes) out.push(a.name + '=' + a.value);
      }
      return out.join('\\n');
      """;

  private static LocalStack stack;
  private static EngineClient alice;
  private static String vm;
  private static QemuVnc qemu;

  @TempDir Path profile;

  @BeforeAll
  static void signIn() throws IOException {
    stack = SharedStack.get();
    alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    vm = stack.demoVmUuid();
    qemu = QemuVnc.of(stack.options().demoVmName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"view", "interactive"})
  void directQemuLoginWithAnythingTheTicketOrConsoleCarriedIsRefused(String mode) throws Exception {
    EngineClient.Ticket ticket = alice.ticketWhenFree(vm, mode);
    assertNoPasswordField("POST consoles (" + mode + ")", ticket.body());
    Candidates candidates = new Candidates().addTicket(ticket);
    assertAllRefused(candidates.list(), mode + " ticket, before its console opened");

    try (WsClient link =
        WsClient.open(
            ticket.proxyUrl(),
            stack.options().engineUrl(),
            List.of("binary", "porthole.token." + ticket.token()))) {
      RfbClient.Result opened = RfbClient.throughPorthole(link);
      assertThat(opened.authenticated())
          .as("the %s console opens with security None", mode)
          .isTrue();
      candidates.addBytes(link.receivedSoFar()).addText(opened.name());
      assertAllRefused(candidates.list(), mode + " console open");
    }
    assertAllRefused(candidates.list(), mode + " console closed, within its reconnect window");
    System.out.printf(
        "credential-exposure: %d candidates from the %s ticket and console, all refused by QEMU (%s)%n",
        candidates.list().size(), mode, qemu);
  }

  @Test
  void restAnswersAboutConsolesAndVmsCarryNoPasswordField() throws Exception {
    EngineClient.Ticket ticket = alice.ticketWhenFree(vm, "view");
    assertNoPasswordField("POST consoles", ticket.body());
    assertNoPasswordField(
        "GET /consoles/{id}",
        EngineClient.as(stack.options().engineUrl(), "admin", stack::token)
            .json("/consoles/" + ticket.sessionId()));
    assertNoPasswordField("GET /vms", alice.json("/vms"));
    assertNoPasswordField("GET /vms/{id}", alice.json("/vms/" + vm));
    assertNoPasswordField("GET /me", alice.json("/me"));
  }

  @Test
  void thePageOpensConsolesInBothModesAndHoldsNothingThatOpensQemu() throws Exception {
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      for (String mode : List.of("interactive", "view")) {
        browser.get(stack.options().engineUrl() + "/console.html?vm=" + vm + "&mode=" + mode);
        Browser.awaitConsoleState(browser, "connected", CONNECT_WAIT);
        assertThat(
                browser
                    .findElement(By.cssSelector("[data-testid=console-mode]"))
                    .getAttribute("data-mode"))
            .isEqualTo(mode);
        String page = (String) browser.executeScript(PAGE_TEXT);
        assertThat(page)
            .as("the page shows no token")
            .doesNotContain("porthole.token.")
            .doesNotContain("eyJ");
        Candidates candidates = new Candidates().addText(page).addText(browser.getPageSource());
        assertAllRefused(candidates.list(), "page of a connected " + mode + " console");
      }
    } finally {
      browser.quit();
    }
  }

  /** Each candidate, tried as a VNC password straight at QEMU: none may log in. */
  private static void assertAllRefused(List<String> candidates, String when) throws IOException {
    for (String candidate : candidates) {
      try (ByteLink direct = qemu.connect()) {
        RfbClient.Result r = RfbClient.direct(direct, candidate);
        assertThat(r.offered())
            .as("QEMU offers security None to a direct client (%s)", when)
            .doesNotContain(RfbClient.SECURITY_NONE);
        assertThat(r.authenticated())
            .as("a direct QEMU login with a %d-character candidate (%s)", candidate.length(), when)
            .isFalse();
      }
    }
  }

  private static void assertNoPasswordField(String what, JsonNode node) {
    if (node.isArray()) {
      node.forEach(n -> assertNoPasswordField(what, n));
      return;
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      // A capability flag such as graphics.passwordCapable is no password; any text value named so
      // is.
      String name = field.getKey().toLowerCase(Locale.ROOT);
      boolean passwordLike = name.contains("passw") || name.equals("pw");
      assertThat(passwordLike && !field.getValue().isBoolean())
          .as("%s carries a password-like field '%s'", what, field.getKey())
          .isFalse();
      assertNoPasswordField(what, field.getValue());
    }
  }
}
