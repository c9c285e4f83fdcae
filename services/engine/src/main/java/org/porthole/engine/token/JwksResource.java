package org.porthole.engine.token;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.porthole.token.Jwks;

/** REST: {@code GET /api/v1/jwks}, the public keys that verify console tokens. */
@Path("/api/v1/jwks")
public class JwksResource {

  private final SigningKeys keys;

  @Inject
  public JwksResource(SigningKeys keys) {
    this.keys = keys;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public String jwks() throws SQLException {
    return Jwks.toJson(keys.publishedKeys());
  }
}
