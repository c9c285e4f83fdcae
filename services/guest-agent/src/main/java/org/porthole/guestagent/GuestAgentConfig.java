package org.porthole.guestagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.porthole.config.Settings;

/**
 * The guest agent's settings, read once at start (README, "Configuration"). Paths that point into
 * the system ({@code /sys}, {@code /dev}, {@code /etc}) are settings so tests can point them at a
 * temporary directory.
 */
public record GuestAgentConfig(
    Path sysfsRoot,
    Path devRoot,
    String portName,
    Duration heartbeat,
    Duration reconnectMin,
    Duration reconnectMax,
    String backend,
    Path consoleFile,
    List<String> testUsers,
    Optional<String> spn,
    Path keytab,
    Duration commandTimeout,
    Path osRelease,
    Path passwdFile,
    Path ccacheDir,
    Duration ssoLimit,
    boolean testProbe) {

  /** The control port's name. */
  public static final String CONTROL_PORT = "org.porthole.guest.0";

  /** The SSO channel's port: opened only when the host agent says {@code sso-begin}. */
  public static final String SSO_PORT = "org.porthole.sso.0";

  /** Backend that drives systemd-logind and systemd. */
  public static final String BACKEND_LOGINCTL = "loginctl";

  /** Backend that writes state lines to a console file (test guest image). */
  public static final String BACKEND_CONSOLE_TEST = "console-test";

  /**
   * Reads every key from {@code settings}.
   *
   * @throws org.porthole.config.ConfigException when a value is set but unusable
   */
  public static GuestAgentConfig from(Settings settings) {
    String backend = settings.get("porthole.guest.backend", BACKEND_LOGINCTL);
    if (!backend.equals(BACKEND_LOGINCTL) && !backend.equals(BACKEND_CONSOLE_TEST)) {
      throw new org.porthole.config.ConfigException(
          "porthole.guest.backend",
          "configuration porthole.guest.backend (env PORTHOLE_GUEST_BACKEND) = '"
              + backend
              + "' must be "
              + BACKEND_LOGINCTL
              + " or "
              + BACKEND_CONSOLE_TEST);
    }
    Duration min =
        Duration.ofMillis(settings.getInt("porthole.guest.reconnect-min-millis", 100, 10, 60_000));
    boolean testProbe = testProbe(settings, backend);
    Duration max =
        Duration.ofMillis(
            settings.getInt("porthole.guest.reconnect-max-millis", 5_000, 10, 600_000));
    return new GuestAgentConfig(
        settings.getPath("porthole.guest.sysfs-root", Path.of("/sys/class/virtio-ports")),
        settings.getPath("porthole.guest.dev-root", Path.of("/dev")),
        settings.get("porthole.guest.port-name", CONTROL_PORT),
        Duration.ofMillis(settings.getInt("porthole.guest.heartbeat-millis", 5_000, 50, 600_000)),
        min,
        max.compareTo(min) < 0 ? min : max,
        backend,
        settings.getPath("porthole.guest.console-file", Path.of("/dev/tty0")),
        settings.getList("porthole.guest.test-users", "tester"),
        settings.find("porthole.guest.spn"),
        settings.getPath("porthole.guest.keytab", Path.of("/etc/krb5.keytab")),
        settings.getSeconds("porthole.guest.command-timeout-seconds", 10, 1, 300),
        settings.getPath("porthole.guest.os-release", Path.of("/etc/os-release")),
        settings.getPath("porthole.guest.passwd", Path.of("/etc/passwd")),
        settings.getPath("porthole.guest.ccache-dir", Path.of("/tmp")),
        settings.getSeconds("porthole.guest.sso-limit-seconds", 30, 1, 300),
        testProbe);
  }

  /**
   * {@code porthole.guest.test-probe}: {@code true} only with the console-test backend (the test
   * image shows each SSO exchange's credential caches and klist on its console).
   */
  private static boolean testProbe(Settings settings, String backend) {
    String key = "porthole.guest.test-probe";
    String value = settings.get(key, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw new org.porthole.config.ConfigException(
          key, "configuration " + key + " = '" + value + "' must be true or false");
    }
    boolean on = value.equals("true");
    if (on && !backend.equals(BACKEND_CONSOLE_TEST)) {
      throw new org.porthole.config.ConfigException(
          key,
          "configuration " + key + " = true needs porthole.guest.backend=" + BACKEND_CONSOLE_TEST);
    }
    return on;
  }
}
