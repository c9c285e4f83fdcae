package org.porthole.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.launcher.StackOptions;

/**
 * One whole Porthole system for all end-to-end tests in this JVM: the same launcher as {@code
 * ./porthole up}, with fresh state, free ports and a transient demo VM. Stopped when the test JVM
 * exits.
 */
public final class SharedStack {
  private static LocalStack stack;

  private SharedStack() {}

  public static synchronized LocalStack get() {
    if (stack == null) {
      Path repo = Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
      try {
        Path state =
            Files.createDirectories(
                repo.resolve("e2e/target/stack-" + ProcessHandle.current().pid()));
        String vm = "porthole-e2e-" + ProcessHandle.current().pid();
        stack =
            LocalStack.start(
                StackOptions.forTest(repo, state, vm), what -> System.out.println("e2e: " + what));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalStack started = stack;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "e2e-stack-stop"));
    }
    return stack;
  }
}
