package org.porthole.nativeviewer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.porthole.nativeviewer.console.ConsoleRunner;
import org.porthole.nativeviewer.console.PrintedAddress;
import org.porthole.nativeviewer.console.ViewerSide;
import org.porthole.nativeviewer.engine.EngineClient;
import org.porthole.nativeviewer.engine.Vm;
import org.porthole.nativeviewer.launch.LaunchedViewer;
import org.porthole.nativeviewer.launch.ViewerProgram;
import org.porthole.nativeviewer.sso.SsoReport;
import org.porthole.nativeviewer.sso.SsoSignIn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connect VM}: one console in a native viewer, reconnecting while the VM allows it. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description =
        "Opens the console of VM (its name or UUID) in remote-viewer: asks the engine for a"
            + " console token, listens on 127.0.0.1 (one viewer, 60 s to connect, checked with a"
            + " password made for this console) and relays through the ws-proxy. A dropped"
            + " console is opened again with a fresh token within the VM's reconnect window; a"
            + " takeover or a revocation ends it with the reason.")
final class ConnectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "VM", description = "the VM's name or UUID")
  String vm;

  @Option(names = "--view", description = "view only: your keys and pointer never reach the VM")
  boolean view;

  @Option(names = "--takeover", description = "take the console over from its current holder")
  boolean takeover;

  @Option(
      names = "--sso",
      description =
          "also sign in to the guest with your Kerberos ticket (kinit -f), no password: needs"
              + " console.sso on the VM; a failed sign-in leaves the console open and says why")
  boolean sso;

  @Option(
      names = "--proxy-only",
      description =
          "start no viewer: print the tunnel's address and one-time password for your own VNC"
              + " client")
  boolean proxyOnly;

  @Option(
      names = "--viewer",
      paramLabel = "PROGRAM",
      description =
          "remote-viewer (default), vncviewer, or another program that reads a .vv on stdin"
              + " when given '-'")
  String viewer;

  @Spec CommandSpec spec;

  private final ViewerContext context;

  ConnectCommand(ViewerContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (sso && view) {
      throw new ParameterException(
          spec.commandLine(),
          "--sso signs you in to the guest and needs an interactive console: leave out --view");
    }
    ViewerProgram program = proxyOnly ? null : ViewerProgram.find(viewer, context.env);
    EngineClient engine = context.engine();
    Vm target = engine.find(vm);
    Path scratch = scratchDir();
    try {
      ViewerSide side =
          proxyOnly ? new PrintedAddress(context.out) : new LaunchedViewer(program, scratch);
      ConsoleRunner runner =
          new ConsoleRunner(engine, context.http, side, context.err, context.clock, ssoSignIn());
      return runner.run(target, view ? "view" : "interactive", takeover).code();
    } finally {
      try (var files = Files.list(scratch)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(scratch);
    }
  }

  /** With {@code --sso}: the sign-in, with its machine lines on stdout under --proxy-only. */
  private Optional<SsoSignIn> ssoSignIn() {
    if (!sso) {
      return Optional.empty();
    }
    SsoReport report =
        new SsoReport(context.err, proxyOnly ? Optional.of(context.out) : Optional.empty());
    return Optional.of(new SsoSignIn(context.http, report));
  }

  private static Path scratchDir() throws IOException {
    try {
      return Files.createTempDirectory(
          "porthole-viewer",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createTempDirectory("porthole-viewer");
    }
  }
}
