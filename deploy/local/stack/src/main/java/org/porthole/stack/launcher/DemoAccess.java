package org.porthole.stack.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Sleep;

/**
 * The demo's console rights, set through the engine's REST API as the demo admin would in the page:
 * a tag on the demo VM and one ACL row on that tag. Idempotent, so a second {@code up} (same
 * database) changes nothing.
 */
final class DemoAccess {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String engineUrl;
  private final String bearer;

  DemoAccess(String engineUrl, String bearer) {
    this.engineUrl = engineUrl;
    this.bearer = bearer;
  }

  /**
   * Tags {@code vmUuid} with {@code tag} and grants {@code group} {@code permission} on the tag.
   */
  void grant(String vmUuid, String tag, String group, String permission) throws IOException {
    expect(
        send(
            request("/api/v1/vms/" + vmUuid + "/tags/" + tag)
                .PUT(HttpRequest.BodyPublishers.noBody())),
        "tagging VM " + vmUuid);
    String acl =
        "{\"subjectKind\":\"group\",\"subject\":\""
            + group
            + "\",\"objectKind\":\"tag\",\"object\":\""
            + tag
            + "\",\"permission\":\""
            + permission
            + "\"}";
    HttpResponse<String> created =
        send(
            request("/api/v1/acls")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(acl)));
    if (created.statusCode() != 409) { // 409: the row is there from an earlier start
      expect(created, "granting " + permission + " on tag " + tag + " to group " + group);
    }
  }

  /**
   * Waits until the engine lists {@code vmUuid} as running (it learns the VM from the host agent's
   * events), failing when {@code engine} exits or {@code timeout} passes.
   */
  void awaitListed(String vmUuid, ChildProcess engine, Duration timeout, Path logDir) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      engine.checkAlive();
      try {
        HttpResponse<String> r = send(request("/api/v1/vms").GET());
        if (r.statusCode() == 200 && r.body().contains(vmUuid) && r.body().contains("running")) {
          return;
        }
      } catch (IOException e) {
        // keep waiting
      }
      Sleep.millis(500);
    }
    throw new IllegalStateException(
        "the engine did not list VM "
            + vmUuid
            + " as running within "
            + timeout
            + "; see the logs in "
            + logDir);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(engineUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + bearer);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the engine", e);
    }
  }

  private static void expect(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException(what + " failed with HTTP " + r.statusCode() + ": " + r.body());
    }
  }
}
