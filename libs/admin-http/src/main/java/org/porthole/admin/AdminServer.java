package org.porthole.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.porthole.admin.health.HealthCheck;
import org.porthole.admin.health.HealthDocument;

/**
 * A service's admin port, plain HTTP for probes and scrapers inside the cluster: {@code
 * /q/health/live}, {@code /q/health/ready}, {@code /q/health} (both sets; 200 when every check is
 * UP, 503 otherwise) and {@code /metrics} (Prometheus text). GET and HEAD only (405 otherwise), 404
 * for any other path.
 *
 * <p>Threads: the JDK server's dispatcher and an executor of two threads with a short queue; beyond
 * it the dispatcher answers itself, which slows the accepting of more requests instead of piling
 * them up. The JDK server reads a request on an executor thread and by default waits for it
 * forever, so a client that sends half a request would hold a thread (and, with two, the probes)
 * for good: unless the process set them already, a request must arrive within {@value
 * #REQUEST_SECONDS} s and at most {@value #MAX_CONNECTIONS} connections are open. These are the JDK
 * server's process-wide settings, read when its first server starts, which in a service is this
 * one.
 */
public final class AdminServer implements AutoCloseable {
  public static final String LIVE = "/q/health/live";
  public static final String READY = "/q/health/ready";
  public static final String HEALTH = "/q/health";
  public static final String METRICS = "/metrics";

  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final int QUEUE = 16;
  private static final int BACKLOG = 16;
  static final int REQUEST_SECONDS = 5;
  static final int MAX_CONNECTIONS = 64;

  static {
    defaultProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    defaultProperty("sun.net.httpserver.maxRspTime", "30");
    defaultProperty("sun.net.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final List<HealthCheck> liveness;
  private final List<HealthCheck> readiness;
  private final List<HealthCheck> all;
  private final Supplier<String> metrics;

  private AdminServer(
      HttpServer server,
      ThreadPoolExecutor executor,
      List<HealthCheck> liveness,
      List<HealthCheck> readiness,
      Supplier<String> metrics) {
    this.server = server;
    this.executor = executor;
    this.liveness = List.copyOf(liveness);
    this.readiness = List.copyOf(readiness);
    List<HealthCheck> both = new ArrayList<>(liveness);
    both.addAll(readiness);
    this.all = List.copyOf(both);
    this.metrics = metrics;
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Starts building an admin server that serves {@code metrics} (a Prometheus text scrape). */
  public static Builder builder(Supplier<String> metrics) {
    return new Builder(metrics);
  }

  /** The bound address (the real port when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://host:port}, with the bound port. */
  public String url() {
    InetSocketAddress a = address();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", false);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case LIVE:
          health(exchange, liveness, head);
          break;
        case READY:
          health(exchange, readiness, head);
          break;
        case HEALTH:
          health(exchange, all, head);
          break;
        case METRICS:
          send(exchange, 200, PROMETHEUS_TEXT, metrics.get(), head);
          break;
        default:
          send(exchange, 404, "text/plain; charset=utf-8", "not found\n", head);
      }
    } finally {
      exchange.close();
    }
  }

  private static void health(HttpExchange exchange, List<HealthCheck> checks, boolean head)
      throws IOException {
    HealthDocument document = HealthDocument.of(checks);
    send(exchange, document.httpStatus(), JSON, document.json(), head);
  }

  private static void send(
      HttpExchange exchange, int status, String type, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Checks and address of an admin server. */
  public static final class Builder {
    private final Supplier<String> metrics;
    private final List<HealthCheck> liveness = new ArrayList<>();
    private final List<HealthCheck> readiness = new ArrayList<>();

    private Builder(Supplier<String> metrics) {
      this.metrics = metrics;
    }

    /** Adds a check to {@code /q/health/live}: the process can still serve. */
    public Builder liveness(HealthCheck check) {
      liveness.add(check);
      return this;
    }

    /** Adds a check to {@code /q/health/ready}: the service can do its work now. */
    public Builder readiness(HealthCheck check) {
      readiness.add(check);
      return this;
    }

    /** Binds {@code address} and starts serving. */
    public AdminServer start(AdminAddress address) throws IOException {
      if (address.port() < 0 || address.port() > 65535) {
        throw new IllegalArgumentException("admin port out of range: " + address.port());
      }
      HttpServer server =
          HttpServer.create(new InetSocketAddress(address.bind(), address.port()), BACKLOG);
      ThreadPoolExecutor executor = executor();
      server.setExecutor(executor);
      AdminServer admin = new AdminServer(server, executor, liveness, readiness, metrics);
      server.createContext("/", admin::handle);
      server.start();
      return admin;
    }

    private static ThreadPoolExecutor executor() {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(
          2,
          2,
          30,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(QUEUE),
          r -> {
            Thread t = new Thread(r, "admin-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());
    }
  }
}
