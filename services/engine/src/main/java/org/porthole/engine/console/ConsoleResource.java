package org.porthole.engine.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.web.JsonBodies;
import org.porthole.engine.web.PathIds;
import org.porthole.engine.web.QueryParams;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * REST: open a console on a VM and follow its sessions (the caller's own; every one for
 * porthole-admin).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

  static final int DEFAULT_SESSIONS = 50;
  static final int MAX_SESSIONS = 500;

  private final ConsoleService consoles;
  private final Transactions transactions;
  private final SessionRepository sessions;
  private final AccessEvaluator access;
  private final CurrentCaller callers;
  private final ObjectMapper json;

  @Inject
  public ConsoleResource(
      ConsoleService consoles,
      Transactions transactions,
      SessionRepository sessions,
      AccessEvaluator access,
      CurrentCaller callers,
      ObjectMapper json) {
    this.consoles = consoles;
    this.transactions = transactions;
    this.sessions = sessions;
    this.access = access;
    this.callers = callers;
    this.json = json;
  }

  /**
   * Opens a console; the body ({@code {"channel":"vnc","mode":"view","takeover":true,
   * "sso":false}}) is optional, with or without a Content-Type.
   */
  @POST
  @Path("/vms/{id}/consoles")
  public Response open(@PathParam("id") String rawVmId, String body) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawVmId);
    ConsoleRequest request = JsonBodies.parseOptional(json, body, ConsoleRequest.class);
    requireVncChannel(request);
    ConsoleMode mode = mode(request);
    boolean sso = request != null && Boolean.TRUE.equals(request.sso());
    if (sso && mode == ConsoleMode.VIEW) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, "sso needs an interactive console");
    }
    IssuedConsole issued = consoles.issue(callers.get(), vmId, mode, takeover(request), sso);
    return Response.created(URI.create("/api/v1/consoles/" + issued.session().id()))
        .header("Cache-Control", "no-store")
        .entity(ConsoleTicketView.of(issued))
        .build();
  }

  /** The caller's sessions, newest first (porthole-admin: everyone's). */
  @GET
  @Path("/consoles")
  public List<ConsoleSessionView> list(@QueryParam("limit") String rawLimit) throws SQLException {
    Caller caller = callers.get();
    int limit = QueryParams.limit(rawLimit, DEFAULT_SESSIONS, MAX_SESSIONS);
    return transactions
        .read(c -> sessions.list(c, caller.admin() ? null : caller.name(), limit))
        .stream()
        .map(ConsoleSessionView::of)
        .toList();
  }

  /**
   * One session: its owner's, an admin of its VM's, or porthole-admin's to read; 404 for anyone
   * else.
   */
  @GET
  @Path("/consoles/{sessionId}")
  public ConsoleSessionView session(@PathParam("sessionId") String rawSessionId)
      throws SQLException {
    UUID sessionId = PathIds.uuid("session id", rawSessionId);
    Caller caller = callers.get();
    return transactions.read(
        c -> {
          ConsoleSession session = sessions.find(c, sessionId).orElse(null);
          if (session == null
              || !(session.owner().equals(caller.name())
                  || access.on(c, caller, session.vmId()).contains(Permission.ADMIN))) {
            throw new PortholeException(
                PortholeStatus.NOT_FOUND, "no console session " + sessionId);
          }
          return ConsoleSessionView.of(session);
        });
  }

  private static void requireVncChannel(ConsoleRequest request) {
    if (request == null
        || request.channel() == null
        || ConsoleService.CHANNEL_VNC.equals(request.channel())) {
      return;
    }
    throw new PortholeException(PortholeStatus.BAD_REQUEST, "channel must be \"vnc\"");
  }

  private static ConsoleMode mode(ConsoleRequest request) {
    if (request == null || request.mode() == null) {
      return ConsoleMode.INTERACTIVE;
    }
    return ConsoleMode.parse(request.mode())
        .orElseThrow(
            () ->
                new PortholeException(
                    PortholeStatus.BAD_REQUEST, "mode must be \"interactive\" or \"view\""));
  }

  private static boolean takeover(ConsoleRequest request) {
    return request != null && Boolean.TRUE.equals(request.takeover());
  }
}
