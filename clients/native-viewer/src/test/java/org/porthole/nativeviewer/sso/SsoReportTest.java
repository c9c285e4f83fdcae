package org.porthole.nativeviewer.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.porthole.nativeviewer.engine.SsoTicket;
import org.porthole.nativeviewer.engine.Ticket;
import org.porthole.nativeviewer.sso.SsoReport.Failure;
import org.porthole.nativeviewer.sso.SsoReport.Lines;
import org.porthole.nativeviewer.sso.SsoReport.SignedIn;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.protocol.SsoErrorCode;

class SsoReportTest {
  private static final String SPN = "host/porthole-demo.porthole.test@PORTHOLE.TEST";
  private static final String PRINCIPAL = "alice@PORTHOLE.TEST";

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void explainsANonForwardableTicket() {
    SsoReport report = report(true);
    report.notForwardable();
    report.print(
        SsoReport.signedIn(
            new SignedIn("alice", PRINCIPAL, false, DelegationPolicy.OK_AS_DELEGATE, false, SPN)));

    assertThat(text(err))
        .startsWith(
            "porthole-viewer: your Kerberos ticket is not forwardable (kinit -f):"
                + " signing in without forwarding it\n")
        .contains("signed in to the guest as alice (" + PRINCIPAL + ")")
        .contains("your ticket stayed here")
        // the ticket itself is the reason: the realm is not blamed for it
        .doesNotContain("OK-AS-DELEGATE");
    assertThat(text(out))
        .isEqualTo("sso ok user=alice principal=" + PRINCIPAL + " delegated=false\n");
  }

  @Test
  void explainsAServiceTheRealmDoesNotTrustForDelegation() {
    Lines kept =
        SsoReport.signedIn(
            new SignedIn("alice", PRINCIPAL, false, DelegationPolicy.OK_AS_DELEGATE, true, SPN));
    assertThat(kept.human())
        .contains(
            "the realm does not mark "
                + SPN
                + " trusted for delegation (OK-AS-DELEGATE): your ticket stayed here");
    assertThat(kept.machine()).endsWith("delegated=false");

    Lines forwarded =
        SsoReport.signedIn(
            new SignedIn("alice", PRINCIPAL, true, DelegationPolicy.OK_AS_DELEGATE, true, SPN));
    assertThat(forwarded.human()).hasSize(1);
    assertThat(forwarded.human().get(0)).contains("your ticket was forwarded to the guest");
    assertThat(forwarded.machine())
        .isEqualTo("sso ok user=alice principal=" + PRINCIPAL + " delegated=true");

    Lines never =
        SsoReport.signedIn(
            new SignedIn("alice", PRINCIPAL, false, DelegationPolicy.NEVER, true, SPN));
    assertThat(String.join("\n", never.human()))
        .contains("never forwards it")
        .doesNotContain("OK-AS-DELEGATE");
  }

  @Test
  void namesEachGuestRefusalCode() {
    for (SsoErrorCode code : SsoErrorCode.values()) {
      Lines lines = SsoReport.refused(code.wire(), "fixed words");
      assertThat(lines.machine()).as(code.wire()).isEqualTo("sso refused code=" + code.wire());
      assertThat(lines.human()).hasSize(1);
      assertThat(lines.human().get(0))
          .as(code.wire())
          .contains("(" + code.wire() + ": fixed words)")
          .contains("the console stays open")
          .doesNotContain("does not know");
    }
    assertThat(SsoReport.refusalWords("wrong-user")).contains("not this console's user");
    assertThat(SsoReport.refused("no-such-code", "").human().get(0)).contains("does not know");
  }

  @Test
  void aHostileCodeOrTextStaysOneWordOnOneLine() {
    Lines lines = SsoReport.refused("evil code\nsso ok", "a\u001b[2Jb\nsso ok user=root");
    assertThat(lines.machine()).isEqualTo("sso refused code=evil?code?sso?ok");
    assertThat(lines.human().get(0)).doesNotContain("\n").doesNotContain("\u001b");

    Lines signedIn =
        SsoReport.signedIn(
            new SignedIn("ali ce", "x\ndelegated=true", false, DelegationPolicy.NEVER, true, SPN));
    assertThat(signedIn.machine())
        .isEqualTo("sso ok user=ali?ce principal=x?delegated=true delegated=false");
  }

  @Test
  void theViewersOwnFailuresHaveTheirCodes() {
    assertThat(SsoReport.failed(Failure.TIMEOUT, "").machine())
        .isEqualTo("sso failed code=timeout");
    assertThat(SsoReport.failed(Failure.NO_TICKET, "").human().get(0)).contains("kinit -f");
    assertThat(SsoReport.closed(4009, "").machine()).isEqualTo("sso refused code=busy");
    Lines forbidden = SsoReport.closed(4003, "this token opens only the sso channel");
    assertThat(forbidden.machine()).isEqualTo("sso failed code=closed");
    assertThat(forbidden.human().get(0))
        .contains("refused the SSO channel")
        .contains("this token opens only the sso channel")
        .contains("[close 4003]");
  }

  @Test
  void theMachineLineGoesToStdoutOnlyWithProxyOnly() {
    report(false).print(SsoReport.failed(Failure.CLOSED, "gone"));
    assertThat(text(out)).isEmpty();
    assertThat(text(err))
        .isEqualTo(
            "porthole-viewer: SSO sign-in failed: the SSO channel closed"
                + " before the guest answered (gone); the console stays open\n");
  }

  @Test
  void neverPrintsATokenOrTicket() {
    String token = "eyJhbGciOiJFZERTQSJ9.c3NvLXRva2Vu.c2lnbmF0dXJl";
    String consoleToken = "eyJhbGciOiJFZERTQSJ9.dm5jLXRva2Vu.c2lnbmF0dXJl";
    SsoTicket sso =
        new SsoTicket(
            token,
            "wss://proxy.example/v1/sso",
            SPN,
            "q7Rz0cF3nY5-kW2_hT8pLm",
            "ok-as-delegate",
            Instant.parse("2026-12-07T01:00:00Z"));
    Ticket ticket =
        new Ticket(
            "s-1",
            "vm-1",
            "interactive",
            consoleToken,
            "wss://proxy.example/v1/console",
            Instant.parse("2026-12-07T01:00:00Z"),
            30,
            Optional.of(sso));
    SsoReport report = report(true);
    report.notForwardable();
    for (Lines lines :
        List.of(
            SsoReport.signedIn(
                new SignedIn("alice", PRINCIPAL, true, DelegationPolicy.ALWAYS, true, SPN)),
            SsoReport.refused("auth-failed", "Kerberos refused the token"),
            SsoReport.closed(4001, "token refused"),
            SsoReport.failed(Failure.UNREACHABLE, "refused or is down"))) {
      report.print(lines);
    }

    String printed = text(err) + text(out) + ticket + sso;
    assertThat(printed).contains(SPN).doesNotContain(token).doesNotContain(consoleToken);
    assertThat(printed).doesNotContain("c3NvLXRva2Vu").doesNotContain("dm5jLXRva2Vu");
  }

  private SsoReport report(boolean proxyOnly) {
    return new SsoReport(
        new PrintStream(err, true, StandardCharsets.UTF_8),
        proxyOnly
            ? Optional.of(new PrintStream(out, true, StandardCharsets.UTF_8))
            : Optional.empty());
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
