package org.porthole.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import org.porthole.bench.backend.BackendProcess;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.phase.PhasePlan;
import org.porthole.bench.phase.SoakPhase;
import org.porthole.bench.phase.SoakPlan;
import org.porthole.bench.relay.DirectPath;
import org.porthole.bench.relay.PortholePath;
import org.porthole.bench.relay.RelayPath;
import org.porthole.bench.relay.TokenSpeed;
import org.porthole.bench.relay.WebsockifyPath;
import org.porthole.bench.report.MarkdownTable;
import org.porthole.bench.report.PathName;
import org.porthole.bench.report.PerformanceDoc;
import org.porthole.bench.report.Results;
import org.porthole.bench.report.RunInfo;
import org.porthole.bench.report.SoakReport;
import org.porthole.bench.report.Target;

/**
 * {@code ./porthole bench}: measures the console relay next to direct TCP and websockify and prints
 * the Markdown table (stdout); progress goes to stderr. Exit 0 when the run completed (targets met
 * or not), 2 on bad arguments, 1 when it could not run.
 */
public final class Main {
  /** The proxy's ping interval during the run, so the idle phase sees several pings per console. */
  static final int PING_SECONDS = 5;

  /** The backend ends by itself after this long even if the harness hangs. */
  private static final long BACKEND_MAX_SECONDS = 3600;

  /** {@code --tokens}: unmeasured then measured rounds of each token operation. */
  private static final int TOKEN_WARMUP = 2_000;

  private static final int TOKEN_ROUNDS = 3_000;

  private Main() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, defaultRepo());
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      if (options.tokens()) {
        System.out.println(TokenSpeed.measure(TOKEN_WARMUP, TOKEN_ROUNDS));
        System.exit(0);
      }
      if (options.soak()) {
        System.out.print(soak(options, SoakPlan.full(), new Progress(System.err)));
        System.exit(0);
      }
      Results results = run(options, new Progress(System.err));
      System.out.print(MarkdownTable.render(results));
      System.out.print(MarkdownTable.notes(results));
      System.exit(0);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs the whole benchmark and writes the doc when asked; the caller prints the table. */
  static Results run(BenchOptions options, Progress progress) throws IOException {
    PhasePlan plan = options.plan();
    FileLimit.require(plan.maxIdle());
    // A benchmark stopped with SIGTERM or Ctrl-C must not leave relays, backend or websockify
    // running (they hold ports and thousands of sockets): end every process it started.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy),
                "bench-children"));
    Path runDir = Files.createTempDirectory("porthole-bench-");
    progress.say("logs in " + runDir);
    Results results = new Results();
    int threads = Runtime.getRuntime().availableProcessors();
    try (BackendProcess backend =
            BackendProcess.start(runDir.resolve("backend.log"), BACKEND_MAX_SECONDS);
        ClientLoop loop = new ClientLoop(threads)) {
      BenchRun bench = new BenchRun(loop, plan, results, progress);
      List<PathName> paths = options.paths();
      PathLauncher launcher = new PathLauncher(name -> open(name, options, backend, runDir));
      for (int i = 0; i < paths.size(); i++) {
        PathName name = paths.get(i);
        PathName following = i + 1 < paths.size() ? paths.get(i + 1) : null;
        // The direct path has no relay to measure while it holds idle connections: the next path's
        // processes start then instead of afterwards (saves their JVM start-up). A quick run starts
        // them at once, so its direct numbers are a smoke check, not a measurement.
        Runnable prepareNext =
            name == PathName.DIRECT && following != null
                ? () -> launcher.prepare(following)
                : () -> {};
        if (options.quick()) {
          prepareNext.run();
        }
        long start = System.nanoTime();
        try (RelayPath path = launcher.take(name)) {
          progress.say(
              String.format(
                  Locale.ROOT,
                  "%s: ready after %.1f s",
                  name.label(),
                  (System.nanoTime() - start) / 1e9));
          bench.measure(path, prepareNext);
        } catch (IOException | RuntimeException e) {
          results.note(name, "could not run: " + e.getMessage());
          progress.say(name.label() + ": could not run: " + e.getMessage());
        }
      }
      launcher.close();
      options
          .doc()
          .ifPresent(
              doc ->
                  writeDoc(
                      doc,
                      RunInfo.collect(
                          options.repo(),
                          options.quick() ? "quick" : "full",
                          loop.transport(),
                          plan.connectWarmUp().plus(plan.connectRate()).toMillis() / 1000.0),
                      results,
                      progress));
    }
    for (Target t : Target.issueFive()) {
      progress.say("target " + t.text() + ": " + t.describe(results) + " → " + t.judge(results));
    }
    return results;
  }

  /**
   * The soak on the Porthole path; answers its Markdown page (also written to the doc when asked).
   */
  static String soak(BenchOptions options, SoakPlan plan, Progress progress) throws IOException {
    FileLimit.require(plan.consoles());
    Path runDir = Files.createTempDirectory("porthole-soak-");
    progress.say("logs in " + runDir);
    SoakPhase.Outcome outcome;
    String transport;
    try (BackendProcess backend =
            BackendProcess.start(runDir.resolve("backend.log"), BACKEND_MAX_SECONDS);
        ClientLoop loop = new ClientLoop(Runtime.getRuntime().availableProcessors());
        RelayPath path = PortholePath.start(options.repo(), backend, runDir, PING_SECONDS)) {
      outcome = SoakPhase.run(loop, path, plan, progress::say);
      transport = loop.transport();
    }
    String page = SoakReport.render(RunInfo.collect(options.repo(), "soak", transport, 0), outcome);
    if (options.doc().isPresent()) {
      Files.writeString(options.doc().get(), page);
      progress.say("wrote " + options.doc().get());
    }
    return page;
  }

  private static RelayPath open(
      PathName name, BenchOptions options, BackendProcess backend, Path runDir) throws IOException {
    switch (name) {
      case DIRECT:
        return new DirectPath(backend);
      case WEBSOCKIFY:
        return WebsockifyPath.start(backend, runDir);
      default:
        return PortholePath.start(options.repo(), backend, runDir, PING_SECONDS);
    }
  }

  private static void writeDoc(Path doc, RunInfo info, Results results, Progress progress) {
    try {
      Files.writeString(doc, PerformanceDoc.render(info, results));
      progress.say("wrote " + doc);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + doc + ": " + e.getMessage(), e);
    }
  }

  private static Path defaultRepo() {
    String repo = System.getProperty("porthole.repo");
    return Path.of(repo != null ? repo : ".").toAbsolutePath().normalize();
  }
}
