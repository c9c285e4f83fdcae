package org.porthole.nativeviewer.sso;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.sso.protocol.SsoErrorCode;

/**
 * What an SSO sign-in says: sentences for people on stderr and, with {@code --proxy-only}, one
 * machine line per exchange on stdout ({@code sso ok user=<u> principal=<p> delegated=<b>}, {@code
 * sso refused code=<c>} or {@code sso failed code=<c>}). Refused: the guest, or this side after a
 * Kerberos failure, said no (a code of docs/sso-protocol.md). Failed: the viewer could not run the
 * exchange (its own codes, {@link Failure}). Guest text is cut and cleaned; nothing here ever sees
 * a token or a ticket.
 */
public final class SsoReport {
  private static final String PREFIX = "porthole-viewer: ";
  private static final int MAX_TEXT = 160;
  private static final int MAX_NAME = 256;
  private static final int CLOSE_TAKEN = 4009;
  private static final int CLOSE_FORBIDDEN = 4003;

  /** Why the viewer could not run an exchange, with its code on the machine line. */
  public enum Failure {
    NO_TICKET("no-ticket", "no usable Kerberos ticket in your cache (kinit -f)"),
    NO_SSO_TICKET("no-sso-ticket", "the engine's answer carries no SSO ticket"),
    BAD_TICKET("bad-ticket", "the engine's SSO ticket cannot be used"),
    UNREACHABLE("unreachable", "the SSO channel could not be opened"),
    CLOSED("closed", "the SSO channel closed before the guest answered"),
    TIMEOUT("timeout", "no answer within " + SsoSignIn.LIMIT.toSeconds() + " s"),
    BROKEN("broken", "the SSO channel failed"),
    CANCELLED("cancelled", "the console ended before the sign-in finished");

    private final String code;
    private final String words;

    Failure(String code, String words) {
      this.code = code;
      this.words = words;
    }

    /** The code on the machine line. */
    public String code() {
      return code;
    }
  }

  /**
   * A completed sign-in.
   *
   * @param user the guest's local user
   * @param principal the principal the guest accepted
   * @param delegated whether the TGT reached the guest
   * @param policy the delegation policy of the engine's ticket
   * @param forwardable whether the TGT could be forwarded at all
   * @param spn the pinned service the ticket was for
   */
  public record SignedIn(
      String user,
      String principal,
      boolean delegated,
      DelegationPolicy policy,
      boolean forwardable,
      String spn) {}

  /** What to print: lines for people, and the one machine line. */
  record Lines(List<String> human, String machine) {}

  private final PrintStream err;
  private final PrintStream machine;

  /** Prints sentences on {@code err}, and machine lines on {@code machine} unless it is empty. */
  public SsoReport(PrintStream err, Optional<PrintStream> machine) {
    this.err = err;
    this.machine = machine.orElse(null);
  }

  /** Says, before the exchange, that the TGT may not be forwarded, so the guest cannot have it. */
  public void notForwardable() {
    err.println(PREFIX + notForwardableSentence());
  }

  void print(Lines lines) {
    for (String line : lines.human()) {
      err.println(PREFIX + line);
    }
    if (machine != null) {
      machine.println(lines.machine());
      machine.flush();
    }
  }

  static String notForwardableSentence() {
    return "your Kerberos ticket is not forwardable (kinit -f): signing in without forwarding it";
  }

  static Lines signedIn(SignedIn s) {
    String user = name(s.user());
    String principal = name(s.principal());
    List<String> human = new ArrayList<>();
    human.add(
        "signed in to the guest as "
            + user
            + " ("
            + principal
            + ") with your Kerberos ticket; "
            + (s.delegated() ? "your ticket was forwarded to the guest" : "your ticket stayed here")
            + (s.policy() == DelegationPolicy.NEVER
                ? " (this VM's policy never forwards it)"
                : ""));
    delegationNote(s).ifPresent(human::add);
    return new Lines(
        human, "sso ok user=" + user + " principal=" + principal + " delegated=" + s.delegated());
  }

  /** Why a forwardable ticket the policy allowed to go still stayed here. */
  private static Optional<String> delegationNote(SignedIn s) {
    if (s.delegated() || !s.forwardable() || s.policy() == DelegationPolicy.NEVER) {
      return Optional.empty();
    }
    if (s.policy() == DelegationPolicy.OK_AS_DELEGATE) {
      return Optional.of(
          "the realm does not mark "
              + name(s.spn())
              + " trusted for delegation (OK-AS-DELEGATE): your ticket stayed here");
    }
    return Optional.of("Kerberos did not forward your ticket although the policy allows it");
  }

  static Lines refused(String code, String text) {
    String safeCode = code(code);
    String said = clean(text);
    return new Lines(
        List.of(
            "SSO sign-in refused: "
                + refusalWords(code)
                + " ("
                + safeCode
                + (said.isEmpty() ? "" : ": " + said)
                + "); the console stays open"),
        "sso refused code=" + safeCode);
  }

  static Lines failed(Failure failure, String text) {
    String said = clean(text);
    return new Lines(
        List.of(
            "SSO sign-in failed: "
                + failure.words
                + (said.isEmpty() ? "" : " (" + said + ")")
                + "; the console stays open"),
        "sso failed code=" + failure.code());
  }

  /** The SSO channel closed under the exchange, with the proxy's close code and reason. */
  static Lines closed(int closeCode, String reason) {
    if (closeCode == CLOSE_TAKEN) {
      return refused(SsoErrorCode.BUSY.wire(), "[close " + closeCode + "]");
    }
    String said = clean(reason);
    String words =
        closeCode == CLOSE_FORBIDDEN
            ? "the console proxy refused the SSO channel"
            : "the console proxy closed the SSO channel";
    return failed(
        Failure.CLOSED,
        words + (said.isEmpty() ? "" : ": \"" + said + "\"") + " [close " + closeCode + "]");
  }

  /** Each code of docs/sso-protocol.md in words; the code itself is printed next to it. */
  static String refusalWords(String code) {
    Optional<SsoErrorCode> known = SsoErrorCode.fromWire(code);
    if (known.isEmpty()) {
      return "closed".equals(code)
          ? "the guest closed the SSO channel"
          : "the guest refused with a code this viewer does not know";
    }
    return switch (known.get()) {
      case BAD_JSON, BAD_MESSAGE, UNKNOWN_TYPE, LINE_TOO_LONG ->
          "the guest and the viewer did not understand each other";
      case NO_COMMON_VERSION -> "the guest speaks another version of the SSO protocol";
      case UNEXPECTED -> "a message came out of turn";
      case UNSUPPORTED -> "the guest does not support what the viewer asked";
      case AUTH_FAILED ->
          "Kerberos authentication failed (the guest lacks the pinned service's key,"
              + " or your ticket was refused)";
      case REPLAY -> "the guest saw this Kerberos token before";
      case CHANNEL_BINDING -> "the Kerberos token was made for another session";
      case NOT_MAPPED -> "your principal maps to no user in the guest";
      case WRONG_USER -> "your principal is not this console's user";
      case STORE_FAILED -> "the guest could not store your forwarded ticket";
      case UNLOCK_FAILED -> "the guest could not unlock your desktop";
      case TIMEOUT -> "the guest gave up waiting (30 s)";
      case BUSY -> "another SSO sign-in is running on this VM";
    };
  }

  /** A code as one word: letters, digits, dots, dashes and underscores only, cut short. */
  private static String code(String code) {
    if (code == null || code.isEmpty()) {
      return "unknown";
    }
    String word = code.replaceAll("[^A-Za-z0-9._-]", "?");
    return word.length() > 64 ? word.substring(0, 64) : word;
  }

  /** A user or principal as one word of a machine line. */
  private static String name(String name) {
    if (name == null || name.isEmpty()) {
      return "?";
    }
    String word = name.replaceAll("[\\p{Cntrl}\\s\\x7f]", "?");
    return word.length() > MAX_NAME ? word.substring(0, MAX_NAME) : word;
  }

  /** Text from the guest, the proxy or a library, made safe for one terminal line. */
  private static String clean(String text) {
    if (text == null) {
      return "";
    }
    String printable = text.replaceAll("[\\p{Cntrl}\\x7f]", "?").strip();
    return printable.length() > MAX_TEXT ? printable.substring(0, MAX_TEXT) + "…" : printable;
  }
}
