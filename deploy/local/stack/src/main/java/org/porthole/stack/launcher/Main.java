package org.porthole.stack.launcher;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.porthole.stack.kerberos.Kdc;

/** {@code ./porthole up}: starts the one-machine stack, prints the URL, stops on Ctrl-C. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    LauncherLogging.configure();
    Path repo = Path.of(System.getProperty("porthole.repo", ".")).toAbsolutePath().normalize();
    StackOptions options = StackOptions.defaults(repo);
    String extra =
        System.getProperty(
            StackOptions.EXTRA_ADDRESS_PROPERTY, System.getenv(StackOptions.EXTRA_ADDRESS_ENV));
    if (extra != null && !extra.isBlank()) {
      options = options.withExtraAddress(extra.strip());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    LocalStack stack;
    try {
      stack = LocalStack.start(options, what -> System.out.println("porthole: " + what));
    } catch (RuntimeException e) {
      System.err.println("porthole: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nporthole: stopping");
                  stack.close();
                  stopped.countDown();
                },
                "porthole-stop"));
    System.out.printf(
        """

        Porthole is up.
          Open  %s/  and sign in (demo VM: %s, %s).
            admin / demo-admin   everything (porthole-admin)
            alice / demo-alice   console.connect on the demo VM (group console-users, tag demo)
            bob   / demo-bob     no console rights
          No password with Kerberos: KRB5_CONFIG=%s kinit alice@%s, then open the page
          in a browser that may negotiate with localhost (README, "Sign-in").
          Keycloak: %s   Logs: %s
          Health (/q/health) and metrics (/metrics):
            engine %s   ws-proxy %s   host agent %s
          Ctrl-C stops everything this command started.
        %n""",
        options.engineUrl(),
        options.demoVmName(),
        stack.demoVmUuid(),
        stack.kdc().krb5Conf(),
        Kdc.REALM,
        stack.realmUrl(),
        options.logDir(),
        options.engineManagementUrl(),
        options.proxyAdminUrl(),
        options.agentAdminUrl());
    stack.extraEndpoints().ifPresent(Main::printExtraEndpoints);
    if (Boolean.getBoolean("porthole.second-host")) {
      printSecondHost(stack.startSecondHost("b"), options.demoVmName());
    }
    stopped.await();
  }

  private static void printSecondHost(SecondHost host, String demoVm) {
    System.out.printf(
        """
          Second libvirt host: %s, host agent %s (health and metrics on %s).
            Live-migrate the demo VM to it:
              virsh migrate --live --p2p --unsafe %s '%s'
            and back:
              virsh -c '%s' migrate --live --unsafe %s qemu:///system
        %n""",
        host.libvirt().uri(),
        host.hostId(),
        host.agentAdminUrl(),
        demoVm,
        host.libvirt().uri(),
        host.libvirt().uri(),
        demoVm);
  }

  private static void printExtraEndpoints(ExtraEndpoints e) {
    System.out.printf(
        """
          Also on %s (pods): PostgreSQL %s, Kafka %s (SASL/SCRAM),
            Keycloak %s (the issuer; CA %s)
        %n""",
        e.address(), e.jdbcUrl(), e.kafkaBootstrap(), e.oidcUrl(), e.caFile());
  }
}
