package org.porthole.stack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./porthole up} reuses the last build when the sources have not changed since it. The real
 * script runs in a real git tree; only Maven is a stand-in ({@code mvnw} writing the jars {@code
 * up} starts and counting its runs), so a test sees whether {@code up} ran it. {@code --build-only}
 * is {@code up}'s build step without the host set-up and the start.
 */
class PortholeUpBuildTest {
  private static final Path REPO =
      Path.of(System.getProperty("porthole.repo", "../../..")).toAbsolutePath().normalize();
  private static final String SOURCE = "services/engine/src/Main.java";
  private static final String ENGINE_JAR = "services/engine/target/quarkus-app/quarkus-run.jar";
  private static final String STAND_IN_MAVEN =
      """
      #!/usr/bin/env bash
      set -euo pipefail
      echo "$*" >> "$MAVEN_RUNS"
      [[ -z ${FAIL_BUILD:-} ]] || { echo "stand-in Maven: BUILD FAILURE" >&2; exit 1; }
      for jar in deploy/local/stack/target/porthole-stack.jar %s \\
          services/host-agent/target/porthole-host-agent.jar services/ws-proxy/target/porthole-ws-proxy.jar \\
          services/guest-agent/target/porthole-guest-agent.jar; do
        mkdir -p "$(dirname "$jar")" && echo built > "$jar"
      done
      """
          .formatted(ENGINE_JAR);

  @TempDir Path tree;
  @TempDir Path outside;

  @BeforeEach
  void realTreeWithStandInMaven() throws Exception {
    Files.copy(REPO.resolve("porthole"), tree.resolve("porthole"));
    Files.writeString(tree.resolve("mvnw"), STAND_IN_MAVEN);
    for (String script : List.of("porthole", "mvnw")) {
      Files.setPosixFilePermissions(
          tree.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(tree.resolve(".gitignore"), "target/\n");
    Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(tree.resolve(SOURCE).getParent());
    Files.writeString(tree.resolve(SOURCE), "class Main {}\n");
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "first");
  }

  @Test
  void secondUpWithNothingChangedStartsWithoutAMavenBuild() throws Exception {
    assertThat(up("--dry-run").output)
        .contains("build: needed (no deploy/local/stack/target/porthole-stack.jar)");
    Result first = up("--build-only");
    assertThat(first.exit).as(first.output).isZero();
    assertThat(first.output).contains("building (tests skipped");
    assertThat(mavenRuns()).isEqualTo(1);

    assertThat(up("--dry-run").output).contains("build: reuse (sources unchanged");
    Result second = up("--build-only");
    assertThat(second.exit).as(second.output).isZero();
    assertThat(second.output).contains("build: reuse").doesNotContain("building");
    assertThat(mavenRuns()).as("no Maven run the second time").isEqualTo(1);
  }

  @Test
  void editedSourceBuildsAgainThenReuses() throws Exception {
    build();
    Files.writeString(tree.resolve(SOURCE), "class Main { int changed; }\n");
    assertThat(up("--dry-run").output).contains("build: needed (sources changed");
    build();
    assertThat(mavenRuns()).isEqualTo(2);
    assertThat(up("--dry-run").output).contains("build: reuse");
  }

  @Test
  void newUntrackedSourceBuildsButIgnoredOutputDoesNot() throws Exception {
    build();
    Files.writeString(tree.resolve("services/engine/target/scratch.txt"), "output\n");
    assertThat(up("--dry-run").output).contains("build: reuse");
    Files.writeString(tree.resolve("services/engine/src/New.java"), "class New {}\n");
    assertThat(up("--dry-run").output).contains("build: needed (sources changed");
  }

  @Test
  void touchedButUnchangedSourceReuses() throws Exception {
    build();
    Files.setLastModifiedTime(tree.resolve(SOURCE), FileTime.from(Instant.now().plusSeconds(60)));
    assertThat(up("--dry-run").output).contains("build: reuse");
  }

  @Test
  void jarRebuiltAfterTheStampBuilds() throws Exception {
    build();
    Files.setLastModifiedTime(
        tree.resolve(ENGINE_JAR), FileTime.from(Instant.now().plusSeconds(60)));
    assertThat(up("--dry-run").output)
        .contains("build: needed (" + ENGINE_JAR + " was rebuilt after the last");
  }

  @Test
  void rebuildRunsMavenAlthoughNothingChanged() throws Exception {
    build();
    assertThat(up("--dry-run", "--rebuild").output).contains("build: forced (--rebuild)");
    Result forced = up("--build-only", "--rebuild");
    assertThat(forced.exit).as(forced.output).isZero();
    assertThat(mavenRuns()).isEqualTo(2);
  }

  @Test
  void failedBuildIsNeverReused() throws Exception {
    build();
    Files.writeString(tree.resolve(SOURCE), "class Main { broken }\n");
    Result failed = run(List.of("FAIL_BUILD=1"), "up", "--build-only");
    assertThat(failed.exit).isNotZero();
    Files.writeString(tree.resolve(SOURCE), "class Main {}\n");
    assertThat(up("--dry-run").output).contains("build: needed (no stamp of a finished build");
  }

  private void build() throws Exception {
    Result r = up("--build-only");
    assertThat(r.exit).as(r.output).isZero();
  }

  private long mavenRuns() throws IOException {
    Path runs = outside.resolve("maven-runs");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  private record Result(int exit, String output) {}

  private Result up(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("up"));
    all.addAll(List.of(args));
    return run(List.of(), all.toArray(String[]::new));
  }

  private Result run(List<String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("env", "MAVEN_RUNS=" + outside.resolve("maven-runs")));
    command.addAll(env);
    command.add("./porthole");
    command.addAll(List.of(args));
    return exec(command);
  }

  private void git(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("git", "-c", "user.name=test", "-c", "user.email=test@porthole.test"));
    command.addAll(List.of(args));
    Result r = exec(command);
    assertThat(r.exit).as(r.output).isZero();
  }

  private Result exec(List<String> command) throws Exception {
    // Output into a file, read after the wait: a hung script cannot hold the test past 60 s.
    Path printed = Files.createTempFile("porthole-up", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(tree.toFile())
            .redirectErrorStream(true)
            .redirectOutput(printed.toFile())
            .start();
    p.getOutputStream().close();
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = new String(Files.readAllBytes(printed), StandardCharsets.UTF_8);
    Files.delete(printed);
    assertThat(finished).as("%s finished within 60 s:%n%s", command, output).isTrue();
    return new Result(p.exitValue(), output);
  }
}
