package org.porthole.stack.demovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest image script refuses to build without its inputs and says what to do, before it fetches
 * or writes anything (no network: these runs stop at the argument checks).
 */
class GuestImageScriptTest {
  private static final Path SCRIPT =
      Path.of(System.getProperty("porthole.repo", "../../.."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy/local/vm/build-demo-image.sh");

  @TempDir Path dir;

  @Test
  void withoutArgumentsPrintsUsage() throws Exception {
    Result r = run();
    assertThat(r.exit).isNotZero();
    assertThat(r.output).contains("usage: build-demo-image.sh OUTDIR [AGENT_TARGET]");
  }

  @Test
  void withoutGuestAgentBuildSaysHowToBuildIt() throws Exception {
    Path out = dir.resolve("image");
    Result r = run(out.toString(), dir.resolve("no-such-target").toString());
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output)
        .contains("no guest agent build in")
        .contains("./mvnw -B -q -DskipTests -pl services/guest-agent -am install");
    assertThat(out).doesNotExist();
  }

  @Test
  void agentJarWithoutItsLibrariesIsNotABuild() throws Exception {
    Path target = Files.createDirectories(dir.resolve("target"));
    Files.write(target.resolve("porthole-guest-agent.jar"), new byte[] {'P', 'K'});
    Result r = run(dir.resolve("image").toString(), target.toString());
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("no guest agent build in " + target);
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }
}
