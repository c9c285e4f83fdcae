package org.porthole.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.launcher.LocalStack;

/** Debian's Chromium, headless, driven by Debian's chromedriver (no browser download). */
public final class Browser {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration PRIME_WAIT = Duration.ofSeconds(30);

  private Browser() {}

  /**
   * A browser without Kerberos: the page sends it to Keycloak's password form. {@code arguments}
   * are further Chromium switches, e.g. {@code --ignore-certificate-errors-spki-list=<pin>}.
   */
  public static ChromeDriver start(Path profile, String... arguments) {
    return start(profile, Map.of(), arguments);
  }

  /**
   * A browser of a desktop where {@code user} ran kinit: Chromium may answer {@code Negotiate} from
   * {@code localhost} (Keycloak and the engine) with a ticket from that credential cache, so
   * signing in needs no password. Returns after the browser has shown it sends tickets.
   */
  public static ChromeDriver withKerberos(Path profile, LocalStack stack, String user)
      throws IOException {
    ChromeDriver browser = withKerberosUnprimed(profile, stack, user);
    try {
      prime(browser);
    } catch (RuntimeException e) {
      browser.quit();
      throw e;
    }
    return browser;
  }

  /**
   * Like {@link #withKerberos} without the priming visit: Chromium as a person starts it, whose
   * first {@code Negotiate} answer carries no ticket.
   */
  public static ChromeDriver withKerberosUnprimed(Path profile, LocalStack stack, String user)
      throws IOException {
    Path ccache = profile.resolve("krb5cc");
    Files.createDirectories(profile);
    stack.kdc().kinit(user, Kdc.DEMO_USERS.get(user), ccache);
    Map<String, String> env =
        Map.of("KRB5_CONFIG", stack.kdc().krb5Conf().toString(), "KRB5CCNAME", "FILE:" + ccache);
    return start(profile.resolve("chromium"), env, "--auth-server-allowlist=localhost");
  }

  private static ChromeDriver start(Path profile, Map<String, String> env, String... extra) {
    for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            p
                + " is missing: apt-get install chromium chromium-driver"
                + " (./porthole test installs them when run as root)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    options.addArguments(extra);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withEnvironment(env)
            .build();
    return new ChromeDriver(service, options);
  }

  /**
   * Waits until the console page's status ({@code #status[data-state]}) is {@code state}; on
   * timeout the failure names the state and text the page showed instead.
   */
  public static void awaitConsoleState(ChromeDriver browser, String state, Duration timeout) {
    new WebDriverWait(browser, timeout)
        .pollingEvery(Duration.ofMillis(100))
        .withMessage(
            () -> "console page status is not '" + state + "' but " + consoleStatus(browser))
        .until(d -> state.equals(d.findElement(By.id("status")).getAttribute("data-state")));
  }

  private static String consoleStatus(ChromeDriver browser) {
    try {
      WebElement status = browser.findElement(By.id("status"));
      return "'" + status.getAttribute("data-state") + "': " + status.getText();
    } catch (RuntimeException e) {
      return "unreadable (" + e.getClass().getSimpleName() + ") at " + browser.getCurrentUrl();
    }
  }

  /**
   * Chromium 156 answers the first Negotiate challenge of a fresh profile without a ticket
   * (ERR_UNSUPPORTED_AUTH_SCHEME) and later ones with it. A throwaway server on localhost asks
   * until the browser sends a ticket, so the test's real sign-in is the browser's second.
   */
  private static void prime(ChromeDriver browser) {
    AtomicBoolean answered = new AtomicBoolean();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          boolean ticket = auth != null && auth.startsWith("Negotiate ") && auth.length() > 20;
          byte[] body = (ticket ? "primed" : "negotiate").getBytes(StandardCharsets.UTF_8);
          if (ticket) {
            answered.set(true);
          } else {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
          }
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(ticket ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://localhost:" + server.getAddress().getPort() + "/prime";
      new WebDriverWait(browser, PRIME_WAIT)
          .pollingEvery(Duration.ofMillis(500))
          .withMessage(
              "Chromium never answered Negotiate from localhost with a Kerberos ticket (is libgssapi-krb5-2 installed,"
                  + " did kinit work?)")
          .until(
              d -> {
                if (!answered.get()) {
                  d.get(url);
                }
                return answered.get();
              });
    } finally {
      server.stop(0);
    }
  }
}
