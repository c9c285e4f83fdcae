package org.porthole.stack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code ./porthole up}: starts the one-machine stack, prints the URL, stops on Ctrl-C. */
public final class Up {
  private Up() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(System.getProperty("porthole.repo", ".")).toAbsolutePath().normalize();
    StackOptions options = StackOptions.defaults(repo);
    CountDownLatch stopped = new CountDownLatch(1);
    LocalStack stack;
    try {
      stack = LocalStack.start(options, what -> System.out.println("porthole: " + what));
    } catch (RuntimeException e) {
      System.err.println("porthole: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nporthole: stopping");
      stack.close();
      stopped.countDown();
    }, "porthole-stop"));
    System.out.printf("""

        Porthole is up.
          Open  %s/  and pick a VM (demo VM: %s, %s).
          Engine and ws-proxy answer loopback clients only until sign-in arrives.
          Logs: %s
          Ctrl-C stops everything this command started.
        %n""", options.engineUrl(), options.demoVmName(), stack.demoVmUuid(), options.logDir());
    stopped.await();
  }
}
