package org.porthole.token;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The claims only an SSO channel token carries (docs/contracts.md, "Console token").
 *
 * @param spn {@code spn}: the service principal the engine pinned for the VM, {@code
 *     host/<fqdn>@REALM}; the viewer authenticates the guest as exactly this name
 * @param nonce {@code nonce}: the session-binding nonce the guest echoes in its signature; 16..128
 *     characters of base64url, distinct from the token id
 * @param delegation {@code deleg}: {@code never}, {@code ok-as-delegate} or {@code always}
 * @param principal {@code krb}: the console user's Kerberos principal; the guest signs in no one
 *     else
 */
public record SsoClaims(String spn, String nonce, String delegation, String principal) {

  /** {@code host/<fqdn>@REALM}, at most {@link #MAX_SPN_CHARS} characters. */
  public static final Pattern SPN =
      Pattern.compile("host/[A-Za-z0-9.-]{1,253}@[A-Za-z0-9.-]{1,253}");

  /** The session-binding nonce: base64url, 16..128 characters. */
  public static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");

  /** A Kerberos principal name as the directory stores it: printable, no spaces. */
  public static final Pattern PRINCIPAL = Pattern.compile("[\\x21-\\x7e]{1,256}");

  public static final int MAX_SPN_CHARS = 255;

  /** The delegation policies, as {@code deleg} spells them. */
  public static final String NEVER = "never";

  public static final String OK_AS_DELEGATE = "ok-as-delegate";
  public static final String ALWAYS = "always";

  /** What is wrong with these claims, or empty when each has its grammar. */
  public Optional<String> problem() {
    if (spn == null || spn.length() > MAX_SPN_CHARS || !SPN.matcher(spn).matches()) {
      return Optional.of("spn is not host/<fqdn>@REALM");
    }
    if (nonce == null || !NONCE.matcher(nonce).matches()) {
      return Optional.of("nonce is not 16..128 base64url characters");
    }
    if (!knownDelegation(delegation)) {
      return Optional.of("deleg is not never, ok-as-delegate or always");
    }
    if (principal == null || !PRINCIPAL.matcher(principal).matches()) {
      return Optional.of("krb is not a principal name");
    }
    return Optional.empty();
  }

  /** True for the three delegation policies. */
  public static boolean knownDelegation(String delegation) {
    return NEVER.equals(delegation)
        || OK_AS_DELEGATE.equals(delegation)
        || ALWAYS.equals(delegation);
  }
}
