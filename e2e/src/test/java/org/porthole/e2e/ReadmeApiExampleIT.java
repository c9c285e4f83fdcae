package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The root README's copy-paste API example works: its shell block runs as written against a stack,
 * only its three settings (engine, realm, VM name) pointed at this test's stack instead of {@code
 * ./porthole up}'s defaults. It signs alice in at Keycloak's token endpoint, lists her VMs and gets
 * a console ticket that the engine knows.
 */
class ReadmeApiExampleIT {
  private static final Path README =
      Path.of(System.getProperty("porthole.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("README.md");

  /** The line right before the example's fenced block. */
  private static final String MARKER =
      "<!-- api-example: e2e ReadmeApiExampleIT runs this block -->";

  @Test
  void readmeApiExampleListsVmsAndGetsAConsoleTicket() throws Exception {
    LocalStack stack = SharedStack.get();
    String script =
        withSetting(
            withSetting(
                withSetting(example(), "ENGINE", stack.options().engineUrl()),
                "REALM",
                stack.realmUrl()),
            "VM_NAME",
            stack.options().demoVmName());

    // Output into a file, read after the wait: a hung curl cannot hold the test past 60 s.
    Path printed = Files.createTempFile("readme-example", ".out");
    Process bash =
        new ProcessBuilder("bash", "-euo", "pipefail", "-s")
            .redirectErrorStream(true)
            .redirectOutput(printed.toFile())
            .start();
    bash.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    bash.getOutputStream().close();
    boolean finished = bash.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      bash.destroyForcibly();
    }
    String output = new String(Files.readAllBytes(printed), StandardCharsets.UTF_8);
    Files.delete(printed);
    assertThat(finished).as("the example finished within 60 s:%n%s", output).isTrue();
    System.out.println("e2e: the README's API example printed:\n" + output);

    assertThat(bash.exitValue()).as(output).isZero();
    assertThat(output)
        .as("alice's VM list")
        .contains("\"id\":\"" + stack.demoVmUuid() + "\"")
        .contains("\"name\":\"" + stack.options().demoVmName() + "\"")
        .contains("console.connect");
    Matcher ticket = Pattern.compile("\"sessionId\":\"([0-9a-f-]{36})\"").matcher(output);
    assertThat(ticket.find()).as("a console ticket in:%n%s", output).isTrue();
    assertThat(output).contains("\"mode\":\"view\"").contains(stack.options().proxyUrl());
    EngineClient admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    assertThat(admin.sessionState(ticket.group(1)))
        .as("the engine issued that ticket")
        .isIn("issued", "closed");
  }

  /** The fenced block after {@link #MARKER} in the README. */
  private static String example() throws Exception {
    List<String> lines = Files.readAllLines(README);
    int at = lines.indexOf(MARKER);
    assertThat(at).as("%s has the marker line %s", README, MARKER).isNotNegative();
    assertThat(lines.get(at + 1)).isEqualTo("```sh");
    int end = lines.subList(at + 2, lines.size()).indexOf("```");
    assertThat(end).as("the example's block ends").isPositive();
    return String.join("\n", lines.subList(at + 2, at + 2 + end)) + "\n";
  }

  /** {@code script} with its one line {@code NAME=...} set to {@code value}. */
  private static String withSetting(String script, String name, String value) {
    Pattern line = Pattern.compile("(?m)^" + name + "=\\S+$");
    Matcher m = line.matcher(script);
    assertThat(m.results().count()).as("one %s= line in the example", name).isEqualTo(1);
    return line.matcher(script).replaceFirst(Matcher.quoteReplacement(name + "=" + value));
  }
}
