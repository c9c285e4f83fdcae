package org.porthole.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.porthole.bench.relay.RelayPath;
import org.porthole.bench.report.PathName;

/**
 * Starts relay paths, either when asked for or ahead of time on a background thread (while a phase
 * that measures no relay runs). At most one path is prepared at a time; a prepared path that is
 * never taken is closed.
 */
final class PathLauncher implements AutoCloseable {
  /** Starts one path. */
  interface Opener {
    RelayPath open(PathName name) throws IOException;
  }

  private final Opener opener;
  private PathName preparedName;
  private CompletableFuture<RelayPath> prepared;

  PathLauncher(Opener opener) {
    this.opener = opener;
  }

  /** Starts {@code name} in the background. */
  synchronized void prepare(PathName name) {
    if (prepared != null) {
      return;
    }
    preparedName = name;
    prepared =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return opener.open(name);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** The path {@code name}: the prepared one when it matches, else started now. */
  RelayPath take(PathName name) throws IOException {
    CompletableFuture<RelayPath> f;
    synchronized (this) {
      if (prepared == null || preparedName != name) {
        return opener.open(name);
      }
      f = prepared;
      prepared = null;
      preparedName = null;
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException) {
        throw ((UncheckedIOException) cause).getCause();
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    if (prepared != null) {
      prepared.thenAccept(RelayPath::close);
      prepared.join();
      prepared = null;
    }
  }
}
