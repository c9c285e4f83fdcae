package org.porthole.sso.gssapi;

/**
 * When the viewer hands the user's TGT to the guest. The TGT travels inside the first token,
 * encrypted for the pinned service principal, so the policy decides how far that key is trusted.
 */
public enum DelegationPolicy {
  /** Never delegate: the guest learns who signed in and nothing more. */
  NEVER("never"),
  /**
   * Delegate only when the realm marks the service trusted for delegation (OK-AS-DELEGATE in its
   * ticket) and the TGT is forwardable: the realm's administrator decides, as MIT and Windows
   * clients do by default.
   */
  OK_AS_DELEGATE("ok-as-delegate"),
  /** Delegate whenever the TGT is forwardable, whatever the realm says about the service. */
  ALWAYS("always");

  private final String wireName;

  DelegationPolicy(String wireName) {
    this.wireName = wireName;
  }

  /** The policy used when none is configured: {@link #OK_AS_DELEGATE}. */
  public static DelegationPolicy defaultPolicy() {
    return OK_AS_DELEGATE;
  }

  /** The policy's name in configuration and on the wire: never, ok-as-delegate or always. */
  public String wireName() {
    return wireName;
  }

  /**
   * The policy named {@code name} (exactly, lower case).
   *
   * @throws IllegalArgumentException when {@code name} is null or names no policy
   */
  public static DelegationPolicy parse(String name) {
    for (DelegationPolicy policy : values()) {
      if (policy.wireName.equals(name)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "unknown delegation policy "
            + (name == null ? "(none)" : "'" + shorten(name) + "'")
            + ": expected never, ok-as-delegate or always");
  }

  private static String shorten(String name) {
    return name.length() <= 40 ? name : name.substring(0, 40) + "...";
  }
}
