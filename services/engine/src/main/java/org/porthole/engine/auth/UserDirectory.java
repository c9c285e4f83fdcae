package org.porthole.engine.auth;

import java.util.Optional;

/**
 * Who exists in the directory and what they belong to now. Sign-in asks it on every request (a
 * disabled user is refused at once); revocation asks it to end consoles of users who were disabled,
 * deleted or left a group.
 */
public interface UserDirectory {

  /**
   * The user with this user name (case-blind), or empty when there is none.
   *
   * @throws DirectoryUnavailableException when the directory cannot be asked now
   */
  Optional<DirectoryUser> lookup(String userName);

  /**
   * The user whose Kerberos principal attribute equals {@code principal} exactly (case and realm
   * included), or empty when there is none. A directory that cannot map principals says it is
   * unavailable, so Kerberos sign-in is refused rather than guessed from a name.
   *
   * @throws DirectoryUnavailableException when the directory cannot be asked now
   */
  default Optional<DirectoryUser> lookupByKerberosPrincipal(String principal) {
    throw new DirectoryUnavailableException(
        "this directory does not map Kerberos principals", null);
  }

  /** The directory cannot answer (down, timing out, refusing the engine's credentials). */
  final class DirectoryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DirectoryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
