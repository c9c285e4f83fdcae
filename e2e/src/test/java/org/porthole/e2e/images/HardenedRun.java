package org.porthole.e2e.images;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs a service image as a cluster would: the host's network, a read-only root filesystem, a tmpfs
 * {@code /tmp} (the emptyDir of a pod), every capability dropped, never pulled. Started when its
 * log shows {@code ready}; records when that line arrived.
 */
public final class HardenedRun implements AutoCloseable {
  /** A pod's emptyDir allows exec: JNA and Netty unpack their native libraries into /tmp. */
  private static final String TMPFS_OPTIONS = "rw,exec,nosuid,nodev,size=128m";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private static final int STOP_GRACE_SECONDS = 30;

  private final GenericContainer<?> container;
  private final AtomicReference<Instant> readyAt = new AtomicReference<>();
  private final StringBuilder log = new StringBuilder();

  private HardenedRun(GenericContainer<?> container) {
    this.container = container;
  }

  /** A run of {@code image} that is started by {@link #start} once {@code ready} was logged. */
  public static Builder of(ServiceImage image, Pattern ready) {
    return new Builder(image, ready);
  }

  /**
   * How long from the container's start (Docker's clock) to its ready line reaching this test (the
   * log stream follows the wait strategy's by a few milliseconds at most).
   */
  public Duration startToReady() throws InterruptedException {
    Poll.until(
        Duration.ofSeconds(5),
        () -> readyAt.get() != null,
        () -> "the ready line never reached the log consumer; log:\n" + log());
    InspectContainerResponse info = container.getContainerInfo();
    Instant started = Instant.parse(info.getState().getStartedAt());
    return Duration.between(started, readyAt.get());
  }

  /** Real, effective, saved and file-system uid of the container's main process, from /proc. */
  public List<String> processUids() {
    return statusLine("Uid:");
  }

  public List<String> processGids() {
    return statusLine("Gid:");
  }

  public boolean readOnlyRoot() {
    return Boolean.TRUE.equals(container.getContainerInfo().getHostConfig().getReadonlyRootfs());
  }

  public boolean running() {
    return container.isRunning();
  }

  /** What the service logged so far (stdout and stderr). */
  public synchronized String log() {
    return log.toString();
  }

  private synchronized void append(String text) {
    log.append(text);
  }

  private List<String> statusLine(String key) {
    Long pid = container.getContainerInfo().getState().getPidLong();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(key)) {
          return List.of(line.substring(key.length()).trim().split("\\s+"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no " + key + " in /proc/" + pid + "/status");
  }

  /**
   * Stops the service as a cluster does, with SIGTERM and a grace period (an engine's Kafka
   * consumer then leaves its group, so another replica takes its partitions at once rather than
   * after the session timeout), then removes the container.
   */
  @Override
  public void close() {
    if (container.isRunning()) {
      try {
        container
            .getDockerClient()
            .stopContainerCmd(container.getContainerId())
            .withTimeout(STOP_GRACE_SECONDS)
            .exec();
      } catch (NotModifiedException | NotFoundException e) {
        // It stopped by itself: stop() below removes what is left.
      }
    }
    container.stop();
  }

  /** The service's environment, mounts and user; {@link #start} runs it. */
  public static final class Builder {
    private final ServiceImage image;
    private final Pattern ready;
    private final Map<String, String> env = new HashMap<>();
    private final Map<Path, String> readOnlyMounts = new HashMap<>();
    private final Map<Path, String> writableMounts = new HashMap<>();
    private String user;

    private Builder(ServiceImage image, Pattern ready) {
      this.image = image;
      this.ready = ready;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Builder mount(Path host, String inContainer) {
      readOnlyMounts.put(host, inContainer);
      return this;
    }

    /** A host path the service writes to, such as libvirt's socket directory. */
    public Builder mountWritable(Path host, String inContainer) {
      writableMounts.put(host, inContainer);
      return this;
    }

    /** Runs as {@code uidGid} instead of the image's user. */
    public Builder user(String uidGid) {
      this.user = uidGid;
      return this;
    }

    @SuppressWarnings("resource") // closed by HardenedRun.close
    public HardenedRun start() {
      GenericContainer<?> c =
          new GenericContainer<>(DockerImageName.parse(image.reference()))
              .withImagePullPolicy(name -> false)
              .withNetworkMode("host")
              .withTmpFs(Map.of("/tmp", TMPFS_OPTIONS))
              .withEnv(env)
              .withStartupAttempts(1)
              .waitingFor(
                  Wait.forLogMessage("(?s).*" + ready.pattern() + ".*", 1)
                      .withStartupTimeout(START_TIMEOUT))
              .withCreateContainerCmdModifier(
                  cmd -> {
                    cmd.getHostConfig().withReadonlyRootfs(true).withCapDrop(Capability.ALL);
                    if (user != null) {
                      cmd.withUser(user);
                    }
                  });
      readOnlyMounts.forEach(
          (host, path) -> c.withFileSystemBind(host.toString(), path, BindMode.READ_ONLY));
      writableMounts.forEach(
          (host, path) -> c.withFileSystemBind(host.toString(), path, BindMode.READ_WRITE));
      HardenedRun run = new HardenedRun(c);
      c.withLogConsumer((OutputFrame frame) -> run.seen(frame, ready));
      try {
        c.start();
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            image.reference() + " did not log " + ready + "; its log:\n" + run.log(), e);
      }
      return run;
    }
  }

  private void seen(OutputFrame frame, Pattern ready) {
    append(frame.getUtf8String());
    // The whole log so far: a line may arrive in two frames.
    if (readyAt.get() == null && ready.matcher(log()).find()) {
      readyAt.compareAndSet(null, Instant.now());
    }
  }
}
