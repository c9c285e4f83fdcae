package org.porthole.nativeviewer.cli;

import java.util.List;
import org.porthole.nativeviewer.engine.EngineClient;
import org.porthole.nativeviewer.engine.Vm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: the VMs the user may open, as a table or JSON. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the VMs you may open, with the console mode you may use and guest state.")
final class ListCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--json", description = "the engine's JSON, for scripts")
  boolean json;

  private final ViewerContext context;

  ListCommand(ViewerContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EngineClient engine = context.engine();
    if (json) {
      context.out.println(engine.vmsJson().toPrettyString());
      return 0;
    }
    List<Vm> vms = engine.vms();
    context.out.print(VmTable.render(vms));
    return 0;
  }
}
