package org.porthole.hostagent.authz;

import java.util.Map;
import java.util.Set;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.pki.ServiceIdentity.Role;

/**
 * Which caller role may call which gRPC method of the host agent: the one table of the agent's
 * authorization (docs/contracts.md shows it). Default deny: a method missing here, or a role not
 * listed for it, is refused. Only the engine changes state (tickets, consoles, guests, policies);
 * the ws-proxy only opens console and SSO streams; a host agent calls nothing on another agent.
 */
public final class MethodRoles {

  private static final Set<Role> ENGINE = Set.of(Role.ENGINE);
  private static final Set<Role> WS_PROXY = Set.of(Role.WS_PROXY);

  private static final Map<String, Set<Role>> ALLOWED =
      Map.ofEntries(
          Map.entry(HostAgentGrpc.getGetInfoMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getListDomainsMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getPrepareConsoleMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getListConsolesMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getEndConsolesMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getGetGuestStateMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getGuestCommandMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getSetConsolePolicyMethod().getFullMethodName(), ENGINE),
          Map.entry(HostAgentGrpc.getOpenConsoleMethod().getFullMethodName(), WS_PROXY),
          Map.entry(HostAgentGrpc.getOpenSsoMethod().getFullMethodName(), WS_PROXY));

  private MethodRoles() {}

  /** True when a caller of {@code role} may call {@code fullMethodName}. */
  public static boolean allows(String fullMethodName, Role role) {
    return ALLOWED.getOrDefault(fullMethodName, Set.of()).contains(role);
  }

  /** The roles allowed to call {@code fullMethodName} (empty for an unknown method). */
  public static Set<Role> rolesFor(String fullMethodName) {
    return ALLOWED.getOrDefault(fullMethodName, Set.of());
  }
}
