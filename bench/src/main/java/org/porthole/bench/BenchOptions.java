package org.porthole.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.porthole.bench.phase.PhasePlan;
import org.porthole.bench.report.PathName;

/**
 * Command line of the benchmark: {@code [--quick] [--paths direct,websockify,porthole] [--doc FILE]
 * [--repo DIR]}, {@code --tokens} alone (the cost of one console token), or {@code --soak} (a long
 * hold of many consoles, {@link org.porthole.bench.phase.SoakPlan#full()}). Bad input is refused
 * with a message naming it.
 */
record BenchOptions(
    boolean quick,
    List<PathName> paths,
    Optional<Path> doc,
    Path repo,
    boolean tokens,
    boolean soak) {
  static final String USAGE =
      "usage: bench [--quick] [--paths direct,websockify,porthole] [--doc docs/performance-run.md]"
          + " [--repo DIR] | bench --tokens | bench --soak [--doc FILE] [--repo DIR]";

  static BenchOptions parse(String[] args, Path defaultRepo) {
    boolean quick = false;
    List<PathName> paths = List.of(PathName.values());
    Optional<Path> doc = Optional.empty();
    Path repo = defaultRepo;
    boolean tokens = false;
    boolean soak = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--paths":
          paths = parsePaths(value(args, ++i, "--paths"));
          break;
        case "--doc":
          doc = Optional.of(Path.of(value(args, ++i, "--doc")));
          break;
        case "--tokens":
          tokens = true;
          break;
        case "--soak":
          soak = true;
          break;
        case "--repo":
          repo = Path.of(value(args, ++i, "--repo"));
          break;
        default:
          throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
      }
    }
    if (tokens && args.length != 1) {
      throw new IllegalArgumentException("--tokens runs alone; " + USAGE);
    }
    if (soak && (tokens || quick || !paths.equals(List.of(PathName.values())))) {
      throw new IllegalArgumentException("--soak runs on the porthole path alone; " + USAGE);
    }
    return new BenchOptions(quick, paths, doc, repo, tokens, soak);
  }

  PhasePlan plan() {
    return quick ? PhasePlan.quick() : PhasePlan.full();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
    }
    return args[i];
  }

  private static List<PathName> parsePaths(String csv) {
    List<PathName> result = new ArrayList<>();
    for (String part : csv.split(",", -1)) {
      PathName p = PathName.parse(part);
      if (result.contains(p)) {
        throw new IllegalArgumentException("path '" + part + "' given twice");
      }
      result.add(p);
    }
    return List.copyOf(result);
  }
}
