package org.porthole.engine.auth;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

import org.jboss.logging.Logger;
import org.porthole.engine.auth.UserDirectory.DirectoryUnavailableException;
import org.porthole.engine.web.ErrorTranslation;

/**
 * Checks every OIDC sign-in (bearer token or session) against the directory, so that a user
 * disabled or deleted in Keycloak is refused at once although their token is still valid, and
 * so that groups and the admin role are the directory's current ones, not the token's.
 *
 * <p>When the directory cannot answer, a valid token keeps working on its own claims (its
 * signature and expiry were checked) and a WARN is logged: Keycloak being down must not lock
 * everyone out. Kerberos sign-in asks the directory itself and is refused while it is down.
 */
@ApplicationScoped
public class DirectoryCheck implements SecurityIdentityAugmentor {

    private static final Logger LOG = Logger.getLogger(DirectoryCheck.class);

    private final UserDirectory directory;

    @Inject
    public DirectoryCheck(UserDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || Boolean.TRUE.equals(identity.getAttribute(IdentityAttributes.DIRECTORY_CHECKED))) {
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
            LOG.warnf("directory unavailable (%s): signing in '%s' on the token's own claims", e.getMessage(),
                    ErrorTranslation.printable(name));
            return QuarkusSecurityIdentity.builder(identity)
                    .addAttribute(IdentityAttributes.GROUPS, IdentityAttributes.groups(identity))
                    .addAttribute(IdentityAttributes.MECHANISM, IdentityAttributes.OIDC)
                    .build();
        }
        DirectoryUser current = user.filter(DirectoryUser::enabled).orElseThrow(() -> {
            LOG.infof("refused sign-in of '%s': %s in the directory", ErrorTranslation.printable(name),
                    user.isPresent() ? "disabled" : "absent");
            return new AuthenticationFailedException("user is disabled or unknown");
        });
        return asDirectorySays(identity, current, IdentityAttributes.OIDC);
    }

    /** The identity with the directory's groups and admin role in place of the token's. */
    static SecurityIdentity asDirectorySays(SecurityIdentity identity, DirectoryUser user, String mechanism) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
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
