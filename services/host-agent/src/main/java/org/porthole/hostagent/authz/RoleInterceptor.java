package org.porthole.hostagent.authz;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.pki.ServiceIdentity;
import org.porthole.status.PortholeStatus;

/**
 * Authorizes every call by the caller's role before the service sees it ({@link MethodRoles}): a
 * refused call is closed with PERMISSION_DENIED and a description naming the caller's role and the
 * method, and no message of it reaches the service, so nothing changes. Refusals are logged at
 * WARNING (caller identity, address and method; never headers or messages), at most {@link
 * RefusalLog#PER_WINDOW} a minute.
 *
 * <p>Thread-safe; runs on whatever thread starts the call.
 */
public final class RoleInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(RoleInterceptor.class.getName());

  private final CallerIdentity callers;
  private final RefusalLog refusals;

  /** Authorizes by {@code callers}' answer ({@link CallerIdentity#FROM_TLS} in the agent). */
  public RoleInterceptor(CallerIdentity callers, RefusalLog refusals) {
    this.callers = callers;
    this.refusals = refusals;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<ServiceIdentity> caller = callers.of(call, headers);
    if (caller.isPresent() && MethodRoles.allows(method, caller.get().role())) {
      return next.startCall(call, headers);
    }
    String who = caller.map(c -> "the " + c).orElse("a caller without a Porthole identity");
    String shortName = call.getMethodDescriptor().getBareMethodName();
    refusals.refused(
        () ->
            LOG.log(
                Level.WARNING,
                "refused {0} from {1} at {2}: allowed to {3} only",
                new Object[] {
                  shortName,
                  who,
                  call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                  MethodRoles.rolesFor(method)
                }));
    call.close(
        Status.fromCodeValue(PortholeStatus.FORBIDDEN.grpcCode())
            .withDescription(who + " may not call " + shortName),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
