package org.porthole.engine.acl;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.web.JsonBodies;
import org.porthole.engine.web.PathIds;
import org.porthole.engine.web.QueryParams;

/**
 * REST: console ACL entries ({@code /api/v1/acls}) and VM tags ({@code /api/v1/vms/{id}/tags}).
 * Thin: validation and authorization live in {@link AclService} and {@link TagService}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AclResource {

  /** Body of the tag answers: {@code {vmId, tags}}. */
  public record TagsView(UUID vmId, Set<String> tags) {}

  private final AclService acls;
  private final TagService tags;
  private final CurrentCaller callers;
  private final ObjectMapper json;

  @Inject
  public AclResource(AclService acls, TagService tags, CurrentCaller callers, ObjectMapper json) {
    this.acls = acls;
    this.tags = tags;
    this.callers = callers;
    this.json = json;
  }

  @GET
  @Path("/acls")
  public List<AclView> list(
      @QueryParam("vm") String rawVm, @QueryParam("subject") String rawSubject)
      throws SQLException {
    UUID vm = QueryParams.uuid("vm", rawVm);
    String subject = rawSubject == null ? null : Names.require("subject", rawSubject);
    return acls.list(callers.get(), vm, subject).stream().map(AclView::of).toList();
  }

  @POST
  @Path("/acls")
  public Response create(String body) throws SQLException {
    AclEntry created =
        acls.create(callers.get(), JsonBodies.parseOptional(json, body, AclRequest.class));
    return Response.created(URI.create("/api/v1/acls/" + created.id()))
        .entity(AclView.of(created))
        .build();
  }

  @DELETE
  @Path("/acls/{id}")
  public Response delete(@PathParam("id") String rawId) throws SQLException {
    acls.delete(callers.get(), QueryParams.id("ACL id", rawId));
    return Response.noContent().build();
  }

  @GET
  @Path("/vms/{id}/tags")
  public TagsView tags(@PathParam("id") String rawVm) throws SQLException {
    UUID vm = PathIds.uuid("VM id", rawVm);
    return new TagsView(vm, tags.list(callers.get(), vm));
  }

  @PUT
  @Path("/vms/{id}/tags/{tag}")
  public TagsView addTag(@PathParam("id") String rawVm, @PathParam("tag") String tag)
      throws SQLException {
    UUID vm = PathIds.uuid("VM id", rawVm);
    return new TagsView(vm, tags.add(callers.get(), vm, tag));
  }

  @DELETE
  @Path("/vms/{id}/tags/{tag}")
  public Response removeTag(@PathParam("id") String rawVm, @PathParam("tag") String tag)
      throws SQLException {
    tags.remove(callers.get(), PathIds.uuid("VM id", rawVm), tag);
    return Response.noContent().build();
  }
}
