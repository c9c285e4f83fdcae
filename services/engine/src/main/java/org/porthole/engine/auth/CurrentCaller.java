package org.porthole.engine.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * The signed-in user of the current request, for code that decides what they may do (ACLs, tickets,
 * audit). Sign-in has already checked the user against the {@link UserDirectory} ({@link
 * DirectoryCheck}): a disabled or deleted user never reaches here, and groups and the admin role
 * are the directory's current ones (the token's own when the directory is down).
 */
@RequestScoped
public class CurrentCaller {

  private final SecurityIdentity identity;
  private final CurrentVertxRequest request;
  private Caller caller;

  @Inject
  public CurrentCaller(SecurityIdentity identity, CurrentVertxRequest request) {
    this.identity = identity;
    this.request = request;
  }

  /**
   * The signed-in user.
   *
   * @throws PortholeException {@link PortholeStatus#SIGN_IN_REQUIRED} for an anonymous request
   */
  public Caller get() {
    if (caller != null) {
      return caller;
    }
    if (identity == null || identity.isAnonymous()) {
      throw new PortholeException(PortholeStatus.SIGN_IN_REQUIRED, "sign in first");
    }
    caller =
        new Caller(
            identity.getPrincipal().getName(),
            IdentityAttributes.groups(identity),
            identity.hasRole(Caller.ADMIN_ROLE),
            clientAddress());
    return caller;
  }

  /** The TCP peer (forwarded headers are not trusted), for the audit trail. */
  private String clientAddress() {
    RoutingContext context = request == null ? null : request.getCurrent();
    if (context == null) {
      return "";
    }
    SocketAddress peer = context.request().remoteAddress();
    return peer == null ? "" : peer.hostAddress();
  }
}
