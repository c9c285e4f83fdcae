package org.porthole.e2e.images;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * One service's image as {@code ./mvnw -Pimages package} leaves it: {@code
 * porthole/<name>:<version>} in the local Docker daemon and {@code
 * services/<name>/target/image/porthole-<name>.tar}.
 */
public record ServiceImage(String name, String version, Path repo) {

  public String reference() {
    return "porthole/" + name + ":" + version;
  }

  public Path tarball() {
    return repo.resolve("services/" + name + "/target/image/porthole-" + name + ".tar");
  }

  public InspectImageResponse inspect() {
    return docker().inspectImageCmd(reference()).exec();
  }

  /** The image's size in bytes, as {@code docker image ls} counts it (all layers, uncompressed). */
  public long size() {
    return inspect().getSize();
  }

  public String user() {
    return inspect().getConfig().getUser();
  }

  public Map<String, String> labels() {
    return inspect().getConfig().getLabels();
  }

  /**
   * Removes the image from the daemon and loads it back from its tarball (what {@code docker load}
   * does); returns the loaded image's id. What the tests run afterwards is then the tarball's.
   */
  public String reloadFromTarball() {
    Path tar = tarball();
    if (!Files.isRegularFile(tar)) {
      throw new IllegalStateException(
          "missing " + tar + ": build the images first (./mvnw -Pimages package)");
    }
    docker().removeImageCmd(reference()).exec();
    try (InputStream in = Files.newInputStream(tar)) {
      docker().loadImageCmd(in).exec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return inspect().getId();
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }
}
