package org.porthole.engine.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/v1/me}: who the engine thinks the caller is, for the page's header and for
 * scripts.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

  /** The answer: user name, groups (sorted), and whether the user administers Porthole. */
  public record Me(String name, List<String> groups, boolean admin) {}

  private final CurrentCaller caller;

  @Inject
  public MeResource(CurrentCaller caller) {
    this.caller = caller;
  }

  @GET
  public Me me() {
    Caller current = caller.get();
    return new Me(current.name(), current.groups().stream().sorted().toList(), current.admin());
  }
}
