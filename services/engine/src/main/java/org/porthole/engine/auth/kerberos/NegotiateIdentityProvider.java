package org.porthole.engine.auth.kerberos;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.Optional;
import org.ietf.jgss.GSSException;
import org.jboss.logging.Logger;
import org.porthole.engine.ClientText;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.DirectoryUser;
import org.porthole.engine.auth.IdentityAttributes;
import org.porthole.engine.auth.UserDirectory;
import org.porthole.engine.auth.UserDirectory.DirectoryUnavailableException;

/**
 * Turns a Negotiate token into a signed-in user: the token must be a valid Kerberos ticket for the
 * engine's service principal, and its client principal must be the {@code KERBEROS_PRINCIPAL} of
 * exactly one enabled directory user (never a user found by a similar name). While the directory is
 * down, Negotiate is refused: a principal alone says nothing about groups or whether the account
 * was disabled.
 */
@ApplicationScoped
public class NegotiateIdentityProvider implements IdentityProvider<NegotiateRequest> {

  private static final Logger LOG = Logger.getLogger(NegotiateIdentityProvider.class);
  private static final String REFUSED = "Negotiate refused";

  private final KerberosService kerberos;
  private final UserDirectory directory;

  @Inject
  public NegotiateIdentityProvider(KerberosService kerberos, UserDirectory directory) {
    this.kerberos = kerberos;
    this.directory = directory;
  }

  @Override
  public Class<NegotiateRequest> getRequestType() {
    return NegotiateRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      NegotiateRequest request, AuthenticationRequestContext context) {
    return context.runBlocking(() -> signIn(request.token()));
  }

  SecurityIdentity signIn(String base64Token) {
    String principal = clientPrincipal(base64Token);
    Optional<DirectoryUser> user;
    try {
      user = directory.lookupByKerberosPrincipal(principal);
    } catch (DirectoryUnavailableException e) {
      LOG.warnf(
          "refused Negotiate for %s: directory unavailable (%s)",
          ClientText.printable(principal), e.getMessage());
      throw new AuthenticationFailedException(REFUSED);
    }
    DirectoryUser current =
        user.filter(DirectoryUser::enabled)
            .orElseThrow(
                () -> {
                  LOG.infof(
                      "refused Negotiate for %s: %s",
                      ClientText.printable(principal),
                      user.isPresent() ? "user disabled" : "no user has this Kerberos principal");
                  return new AuthenticationFailedException(REFUSED);
                });
    QuarkusSecurityIdentity.Builder identity =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(current.name()))
            .addAttribute(IdentityAttributes.GROUPS, current.groups())
            .addAttribute(IdentityAttributes.MECHANISM, IdentityAttributes.NEGOTIATE)
            .addAttribute(IdentityAttributes.DIRECTORY_CHECKED, Boolean.TRUE);
    if (current.admin()) {
      identity.addRole(Caller.ADMIN_ROLE);
    }
    return identity.build();
  }

  private String clientPrincipal(String base64Token) {
    byte[] token;
    try {
      token = Base64.getDecoder().decode(base64Token);
    } catch (IllegalArgumentException e) {
      LOG.debug("refused Negotiate: the token is not base64");
      throw new AuthenticationFailedException(REFUSED);
    }
    if (token.length == 0) {
      throw new AuthenticationFailedException(REFUSED);
    }
    try {
      return kerberos.accept(token);
    } catch (GSSException e) {
      LOG.infof("refused Negotiate: %s", e.getMajorString());
      throw new AuthenticationFailedException(REFUSED);
    }
  }
}
