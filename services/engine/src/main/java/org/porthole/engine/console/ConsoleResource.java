package org.porthole.engine.console;

import java.net.URI;
import java.sql.SQLException;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.porthole.engine.db.Transactions;
import org.porthole.engine.web.ApiException;
import org.porthole.engine.web.JsonBodies;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeStatus;

/** REST: open a console on a VM and follow its session. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    private final ConsoleService consoles;
    private final Transactions transactions;
    private final SessionRepository sessions;
    private final ObjectMapper json;

    @Inject
    public ConsoleResource(ConsoleService consoles, Transactions transactions, SessionRepository sessions,
            ObjectMapper json) {
        this.consoles = consoles;
        this.transactions = transactions;
        this.sessions = sessions;
        this.json = json;
    }

    /** Opens a console; the body ({@code {"channel":"vnc"}}) is optional, with or without a Content-Type. */
    @POST
    @Path("/vms/{id}/consoles")
    public Response open(@PathParam("id") String rawVmId, String body) throws SQLException {
        UUID vmId = PathIds.uuid("VM id", rawVmId);
        requireVncChannel(JsonBodies.parseOptional(json, body, ConsoleRequest.class));
        IssuedConsole issued = consoles.issue(vmId);
        return Response.created(URI.create("/api/v1/consoles/" + issued.session().id()))
                .header("Cache-Control", "no-store")
                .entity(ConsoleTicketView.of(issued))
                .build();
    }

    @GET
    @Path("/consoles/{sessionId}")
    public ConsoleSessionView session(@PathParam("sessionId") String rawSessionId) throws SQLException {
        UUID sessionId = PathIds.uuid("session id", rawSessionId);
        return transactions.read(connection -> sessions.find(connection, sessionId))
                .map(ConsoleSessionView::of)
                .orElseThrow(() -> new ApiException(PortholeStatus.NOT_FOUND, "no console session " + sessionId));
    }

    private static void requireVncChannel(ConsoleRequest request) {
        if (request == null || request.channel() == null || ConsoleService.CHANNEL_VNC.equals(request.channel())) {
            return;
        }
        throw new ApiException(PortholeStatus.BAD_REQUEST, "channel must be \"vnc\"");
    }
}
