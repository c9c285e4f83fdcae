package org.porthole.engine.ui;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** REST: what the page needs from the engine's settings (signed-in users, like every API path). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class UiResource {

  private final UiLinks links;

  @Inject
  public UiResource(UiLinks links) {
    this.links = links;
  }

  /** The page footer's links. */
  @GET
  @Path("/ui")
  public UiView ui() {
    return links.view();
  }
}
