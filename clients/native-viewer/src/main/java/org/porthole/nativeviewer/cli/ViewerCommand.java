package org.porthole.nativeviewer.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code porthole-viewer}: the top command, its shared options and the exit-code contract. */
@Command(
    name = "porthole-viewer",
    mixinStandardHelpOptions = true,
    versionProvider = ViewerCommand.Version.class,
    description =
        "Opens Porthole consoles in a native viewer (remote-viewer) through a local tunnel."
            + " Signs in with your Kerberos ticket (kinit) or, without one, the device flow"
            + " (login).",
    subcommands = {
      LoginCommand.class,
      LogoutCommand.class,
      ListCommand.class,
      ConnectCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n")
public final class ViewerCommand implements Runnable {
  @Option(
      names = "--engine",
      description = "the engine's URL (env PORTHOLE_ENGINE_URL; default http://localhost:8080)",
      scope = CommandLine.ScopeType.INHERIT)
  String engine;

  @Option(
      names = "--oidc-url",
      description =
          "Keycloak realm URL for the device flow (env PORTHOLE_OIDC_URL;"
              + " default http://localhost:8180/realms/porthole)",
      scope = CommandLine.ScopeType.INHERIT)
  String oidcUrl;

  final ViewerContext context;

  ViewerCommand(ViewerContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "name a command: login, logout, list or connect");
  }

  /** Runs the command line; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    ViewerContext context = new ViewerContext(out, err, env);
    ViewerCommand top = new ViewerCommand(context);
    CommandLine cli = new CommandLine(top, new Factory(context));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      codes.put(String.format("%3d", c.code()), c.meaning());
    }
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec()
          .usageMessage()
          .exitCodeListHeading("%nExit codes:%n")
          .exitCodeList(codes);
    }
    cli.setExecutionStrategy(
        parsed -> {
          context.configure(top.engine, top.oidcUrl);
          return new CommandLine.RunLast().execute(parsed);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          if (e instanceof ViewerFailure f) {
            err.println("porthole-viewer: " + f.getMessage());
            return f.exitCode().code();
          }
          err.println("porthole-viewer: " + e);
          return ExitCode.FAILED.code();
        });
    return cli.execute(args);
  }

  /** Builds commands with the shared context. */
  private record Factory(ViewerContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (var constructor : cls.getDeclaredConstructors()) {
        if (constructor.getParameterCount() == 1
            && constructor.getParameterTypes()[0] == ViewerContext.class) {
          return cls.cast(constructor.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ViewerCommand.class.getPackage().getImplementationVersion();
      return new String[] {"porthole-viewer " + (v == null ? "(development build)" : v)};
    }
  }
}
