package org.porthole.engine.acl;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an ACL entry grants on its object. The console permissions are ordered: takeover implies
 * connect, connect implies view. {@code console.sso} stands apart; {@code admin} implies all.
 */
public enum Permission {
  CONSOLE_VIEW("console.view"),
  CONSOLE_CONNECT("console.connect"),
  CONSOLE_TAKEOVER("console.takeover"),
  CONSOLE_SSO("console.sso"),
  ADMIN("admin");

  /** The wire names, for error messages: "console.view, console.connect, …". */
  public static final String ALLOWED =
      Arrays.stream(values()).map(Permission::wireName).collect(Collectors.joining(", "));

  private final String wireName;

  Permission(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** This permission and every one it implies. */
  public Set<Permission> withImplied() {
    switch (this) {
      case ADMIN:
        return EnumSet.allOf(Permission.class);
      case CONSOLE_TAKEOVER:
        return EnumSet.of(CONSOLE_TAKEOVER, CONSOLE_CONNECT, CONSOLE_VIEW);
      case CONSOLE_CONNECT:
        return EnumSet.of(CONSOLE_CONNECT, CONSOLE_VIEW);
      default:
        return EnumSet.of(this);
    }
  }

  /** The permission with this exact wire name. */
  public static Optional<Permission> parse(String wireName) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(wireName)).findFirst();
  }
}
