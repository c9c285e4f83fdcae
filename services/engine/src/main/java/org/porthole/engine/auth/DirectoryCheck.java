package org.porthole.engine.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.porthole.engine.ClientText;
import org.porthole.engine.auth.UserDirectory.DirectoryUnavailableException;

/**
 * Checks every OIDC sign-in (bearer token or session) against the directory, so that a user
 * disabled or deleted in Keycloak is refused at once although their token is still valid, and so
 * that groups and the admin role are the directory's current ones, not the token's.
 *
 * <p>When the directory cannot answer, a valid token keeps working on its own claims (its signature
 * and expiry were checked) and a WARN is logged: Keycloak being down must not lock everyone out.
 * Kerberos sign-in asks the directory itself and is refused while it is down.
 */
@ApplicationScoped
public class DirectoryCheck implements SecurityIdentityAugmentor {

  private static final Logger LOG = Logger.getLogger(DirectoryCheck.class);

  private static final Duration WARN_EVERY = Duration.ofSeconds(30);

  private final UserDirectory directory;
  private final AtomicLong lastWarnNanos = new AtomicLong();

  @Inject
  public DirectoryCheck(UserDirectory directory) {
    this.directory = directory;
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous()
        || Boolean.TRUE.equals(identity.getAttribute(IdentityAttributes.DIRECTORY_CHECKED))) {
      return Uni.createFrom().item(identity);
    }
    return context.runBlocking(() -> check(identity));
  }

  SecurityIdentity check(SecurityIdentity identity) {
    String name = identity.getPrincipal().getName();
    Optional<DirectoryUser> user;
    try {
      user = directory.lookup(name);
    } catch (DirectoryUnavailableException e) {
      logUnavailable(name, e);
      return QuarkusSecurityIdentity.builder(identity)
          .addAttribute(IdentityAttributes.GROUPS, IdentityAttributes.groups(identity))
          .addAttribute(IdentityAttributes.MECHANISM, IdentityAttributes.OIDC)
          .build();
    }
    DirectoryUser current =
        user.filter(DirectoryUser::enabled)
            .orElseThrow(
                () -> {
                  LOG.infof(
                      "refused sign-in of '%s': %s in the directory",
                      ClientText.printable(name), user.isPresent() ? "disabled" : "absent");
                  return new AuthenticationFailedException("user is disabled or unknown");
                });
    return asDirectorySays(identity, current, IdentityAttributes.OIDC);
  }

  /**
   * WARN at most every {@link #WARN_EVERY} while the directory is down (every request would), DEBUG
   * otherwise.
   */
  private void logUnavailable(String name, DirectoryUnavailableException e) {
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    boolean warn =
        (last == 0 || now - last >= WARN_EVERY.toNanos()) && lastWarnNanos.compareAndSet(last, now);
    LOG.logf(
        warn ? Logger.Level.WARN : Logger.Level.DEBUG,
        "directory unavailable (%s): signing in '%s' on the token's own claims",
        e.getMessage(),
        ClientText.printable(name));
  }

  /** The identity with the directory's groups and admin role in place of the token's. */
  static SecurityIdentity asDirectorySays(
      SecurityIdentity identity, DirectoryUser user, String mechanism) {
    QuarkusSecurityIdentity.Builder builder =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(identity.getPrincipal())
            .addCredentials(identity.getCredentials())
            .addAttributes(identity.getAttributes())
            .addAttribute(IdentityAttributes.GROUPS, user.groups())
            .addAttribute(IdentityAttributes.MECHANISM, mechanism)
            .addAttribute(IdentityAttributes.DIRECTORY_CHECKED, Boolean.TRUE)
            .addPermissionChecker(identity::checkPermission);
    if (user.admin()) {
      builder.addRole(Caller.ADMIN_ROLE);
    }
    return builder.build();
  }
}
