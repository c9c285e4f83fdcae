package org.porthole.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * {@code porthole-viewer} as a user runs it: the built jar in its own JVM, with the user's
 * environment (ticket cache, config directory, display). Its stdout and stderr are collected line
 * by line so a test can wait for what it prints.
 */
final class NativeViewer implements AutoCloseable {
  private static final Path JAR =
      repo().resolve("clients/native-viewer/target/porthole-viewer.jar");

  /** What {@code --proxy-only} prints: where its tunnel listens, and its one-time password. */
  static final String TUNNEL_ADDRESS = "^address 127\\.0\\.0\\.1:(\\d+)$";

  static final String TUNNEL_PASSWORD = "^password (\\S{8})$";

  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();

  private NativeViewer(Process process) {
    this.process = process;
    pump(process.getInputStream(), out, "out");
    pump(process.getErrorStream(), err, "err");
  }

  /** The environment of a desktop signed in as nobody yet, configured for {@code stack}. */
  static Map<String, String> desktop(LocalStack stack, Path home) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("PORTHOLE_ENGINE_URL", stack.options().engineUrl());
    env.put("PORTHOLE_OIDC_URL", stack.realmUrl());
    env.put("PORTHOLE_VIEWER_CONFIG", Files.createDirectories(home.resolve("config")).toString());
    env.put("KRB5_CONFIG", stack.kdc().krb5Conf().toString());
    env.put("KRB5CCNAME", "FILE:" + home.resolve("no-ticket-yet"));
    return env;
  }

  /** The same desktop after {@code kinit user}. */
  static Map<String, String> kinit(LocalStack stack, Path home, String user) throws IOException {
    Map<String, String> env = desktop(stack, home);
    Path ccache = home.resolve("krb5cc_" + user);
    stack.kdc().kinit(user, org.porthole.stack.kerberos.Kdc.DEMO_USERS.get(user), ccache);
    env.put("KRB5CCNAME", "FILE:" + ccache);
    return env;
  }

  /** Starts {@code porthole-viewer args…} with {@code env}. */
  static NativeViewer start(Map<String, String> env, String... args) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: build clients/native-viewer first");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().clear();
    b.environment().putAll(env);
    // Nothing can type a password: the viewer's stdin is closed from the start.
    b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return new NativeViewer(b.start());
  }

  /**
   * Logs in to the {@code --proxy-only} tunnel this viewer printed the {@code nth} time (VNC
   * Authentication with the printed password, ClientInit, ServerInit) and keeps that console open
   * until closed.
   */
  HeldConsole hold(int nth, Duration limit) throws Exception {
    int port = Integer.parseInt(await(TUNNEL_ADDRESS, nth, limit).group(1));
    String password = await(TUNNEL_PASSWORD, nth, limit).group(1);
    TcpLink link = new TcpLink("127.0.0.1", port);
    try {
      return new HeldConsole(link, RfbClient.direct(link, password));
    } catch (Exception e) {
      link.close();
      throw e;
    }
  }

  /** A console logged in to through the viewer's tunnel; closing it ends the console. */
  record HeldConsole(TcpLink link, RfbClient.Result session) implements AutoCloseable {
    @Override
    public void close() {
      link.close();
    }
  }

  /** Runs to the end (at most {@code limit}) and answers the exit code. */
  int exitCode(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "porthole-viewer still runs after " + limit + "; stderr: " + stderr());
    }
    process.waitFor();
    return process.exitValue();
  }

  /** Waits for a line matching {@code regex} on stdout or stderr; answers its match. */
  Matcher await(String regex, Duration limit) throws InterruptedException {
    return await(regex, 1, limit);
  }

  /** Waits for the {@code nth} line (from 1) matching {@code regex}; answers its match. */
  Matcher await(String regex, int nth, Duration limit) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      boolean exited = !process.isAlive();
      if (exited) {
        Thread.sleep(300); // its last lines are still being read
      }
      Matcher found = nthMatch(p, nth);
      if (found != null) {
        return found;
      }
      if (exited) {
        throw new AssertionError(
            "porthole-viewer exited ("
                + process.exitValue()
                + ") without printing /"
                + regex
                + "/; stdout: "
                + stdout()
                + " stderr: "
                + stderr());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no line /"
            + regex
            + "/ within "
            + limit
            + "; stdout: "
            + stdout()
            + " stderr: "
            + stderr());
  }

  private Matcher nthMatch(Pattern p, int nth) {
    int seen = 0;
    for (String line : lines()) {
      Matcher m = p.matcher(line);
      if (m.find() && ++seen == nth) {
        return m;
      }
    }
    return null;
  }

  private List<String> lines() {
    List<String> all = new ArrayList<>();
    synchronized (out) {
      all.addAll(out);
    }
    synchronized (err) {
      all.addAll(err);
    }
    return all;
  }

  String stdout() {
    synchronized (out) {
      return String.join("\n", out);
    }
  }

  String stderr() {
    synchronized (err) {
      return String.join("\n", err);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The processes it started (the viewer program and its children). */
  List<Long> programPids() {
    return process.descendants().map(ProcessHandle::pid).toList();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pump(InputStream in, List<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  // The tunnel's one-time password stays out of the test log.
                  String shown = line.startsWith("password ") ? "password (hidden)" : line;
                  System.out.println("porthole-viewer " + name + ": " + shown);
                  synchronized (sink) {
                    sink.add(line);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "viewer-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static Path repo() {
    return Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
  }
}
