package org.porthole.engine.sso;

import org.porthole.token.SsoClaims;

/**
 * The grammar of a pinnable service principal, {@code host/<fqdn>@REALM} of at most 255 characters
 * (the token's {@code spn} claim has the same), and a safe rendering of whatever a guest reported
 * instead, for answers and audit rows.
 */
public final class Spn {

  /** The longest text of a report that is echoed (longer reports are cut and marked). */
  static final int MAX_ECHOED = 80;

  private Spn() {}

  /** True when {@code spn} may be pinned and named in an SSO token. */
  public static boolean isValid(String spn) {
    return spn != null
        && spn.length() <= SsoClaims.MAX_SPN_CHARS
        && SsoClaims.SPN.matcher(spn).matches();
  }

  /**
   * What a guest reported, made safe to echo: at most {@link #MAX_ECHOED} printable ASCII
   * characters ("…" when cut), others as "?"; "" for null.
   */
  public static String sanitize(String reported) {
    if (reported == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder();
    for (int i = 0; i < reported.length() && safe.length() < MAX_ECHOED; i++) {
      char c = reported.charAt(i);
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return safe.length() < reported.length() ? safe + "…" : safe.toString();
  }
}
