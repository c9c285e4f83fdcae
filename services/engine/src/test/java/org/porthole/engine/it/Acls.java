package org.porthole.engine.it;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ACL and tag calls the engine ITs make as the default admin, remembering what they granted so a
 * test can take it all back afterwards ({@link #revokeAll()}).
 */
public final class Acls {

  private final List<Long> granted = new CopyOnWriteArrayList<>();

  /** Grants {@code permission} on the VM to a user; returns the entry id. */
  public long grantUser(String user, UUID vm, String permission) {
    return grant("user", user, "vm", vm.toString(), permission);
  }

  /** Grants {@code permission} to a subject on an object; returns the entry id. */
  public long grant(
      String subjectKind, String subject, String objectKind, String object, String permission) {
    long id =
        given()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "subjectKind",
                    subjectKind,
                    "subject",
                    subject,
                    "objectKind",
                    objectKind,
                    "object",
                    object,
                    "permission",
                    permission))
            .post("/api/v1/acls")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    granted.add(id);
    return id;
  }

  /** Deletes the entry as admin and returns the answer. */
  public Response revoke(long id) {
    granted.remove(id);
    return given().delete("/api/v1/acls/" + id);
  }

  /** Deletes every entry this helper granted and did not revoke yet. */
  public void revokeAll() {
    for (Long id : List.copyOf(granted)) {
      revoke(id);
    }
  }

  /** Tags the VM as admin. */
  public static void tag(UUID vm, String tag) {
    given().put("/api/v1/vms/" + vm + "/tags/" + tag).then().statusCode(200);
  }
}
