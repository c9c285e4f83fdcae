package org.porthole.wsproxy;

import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.wsproxy.server.ProxyApplication;

/** Entry point: {@code java -jar porthole-ws-proxy.jar}. Configuration: see the README. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
    }
    ProxyApplication app;
    try {
      app = ProxyApplication.start(Settings.fromEnvironment());
    } catch (ConfigException e) {
      System.err.println("ws-proxy: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ws-proxy-shutdown"));
    app.awaitTermination();
  }
}
