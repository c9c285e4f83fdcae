package org.porthole.stack.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.host.OsUser;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.host.Sleep;

/**
 * A real PostgreSQL server from Debian's packages, on loopback, in a data directory of our own. As
 * root it runs as the {@code postgres} OS user (PostgreSQL refuses root). The data directory is
 * kept: a second start reuses it.
 */
public final class Postgres implements AutoCloseable {
  /** The database, role and password the engine uses on one machine. */
  public static final String DATABASE = "porthole";

  private static final String SERVICE_USER = "postgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** The server running now: replaced by {@link #startAgain()} after {@link #kill()}. */
  private volatile ChildProcess process;

  private final List<String> command;
  private final Path log;
  private final int port;
  private final String password;
  private final Optional<ExtraAddress> extra;

  private Postgres(
      List<String> command, Path log, int port, String password, Optional<ExtraAddress> extra) {
    this.command = List.copyOf(command);
    this.log = log;
    this.port = port;
    this.password = password;
    this.extra = extra;
  }

  /** Starts (initialising when new) a server on {@code port} with data under {@code dataDir}. */
  public static Postgres start(Path dataDir, int port, Path logDir) throws IOException {
    return start(dataDir, port, logDir, Optional.empty());
  }

  /**
   * As {@link #start(Path, int, Path)}, listening on {@code extra} too (same port) and admitting
   * password (SCRAM) sign-ins from its subnet as well as from loopback ({@link PgHba}).
   */
  public static Postgres start(Path dataDir, int port, Path logDir, Optional<ExtraAddress> extra)
      throws IOException {
    Path bin = binDir();
    Path parent = dataDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    makeTraversable(parent);
    Path pwfile = parent.resolve("postgres.password");
    String password = readOrCreatePassword(pwfile);
    if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
      initdb(bin, dataDir, pwfile);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                bin.resolve("postgres").toString(),
                "-D",
                dataDir.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1" + extra.map(e -> "," + e.host()).orElse(""),
                "-c",
                "unix_socket_directories=" + dataDir,
                "-c",
                "max_connections=200",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off"));
    if (extra.isPresent()) {
      // Written on every start beside the data directory: the data's own pg_hba.conf stays as
      // initdb made it, and a start without the extra address admits loopback only again.
      Path hba = parent.resolve("pg_hba-extra.conf");
      Files.writeString(hba, PgHba.withSubnet(extra.get().subnet()), StandardCharsets.UTF_8);
      OsUser.chown(SERVICE_USER, hba);
      command.addAll(List.of("-c", "hba_file=" + hba));
    }
    Postgres pg =
        new Postgres(
            OsUser.as(SERVICE_USER, command),
            logDir.resolve("postgresql.log"),
            port,
            password,
            extra);
    pg.launch();
    try {
      pg.createDatabase();
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /**
   * Kills the server and all its backends with SIGKILL, as a crash would; its data stays where it
   * was. For chaos tests and by hand; {@link #startAgain()} brings it back.
   */
  public synchronized void kill() {
    process.kill();
  }

  /**
   * Starts the server again on the same port and data after {@link #kill()} (or a crash) and waits
   * until it accepts connections, its crash recovery done.
   */
  public synchronized void startAgain() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("PostgreSQL still runs on port " + port);
    }
    launch();
  }

  /** True while the server process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  private void launch() throws IOException {
    process = ChildProcess.start("postgresql", command, Map.of(), log);
    try {
      awaitReady();
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String user() {
    return DATABASE;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  /**
   * The JDBC URL on the extra address (same port, database and credentials), when it serves one.
   */
  public Optional<String> extraJdbcUrl() {
    return extra.map(e -> "jdbc:postgresql://" + e.host() + ":" + port + "/" + DATABASE);
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static Path binDir() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path bin =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("postgres")))
                .max(
                    Comparator.comparing(
                        b ->
                            Integer.parseInt(
                                b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                .orElse(null);
        if (bin != null) {
          return bin;
        }
      }
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries are missing under /usr/lib/postgresql:"
            + " install them with 'apt-get install postgresql' (./porthole does this when run as root)");
  }

  /**
   * The {@code postgres} user must reach the data directory. Temporary directories (tests) are
   * opened up for traversal; anything else that blocks it is an error that names it.
   */
  private static void makeTraversable(Path dir) throws IOException {
    if (!OsUser.isRoot()) {
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      java.util.Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        continue;
      }
      if (!p.startsWith(tmp) || p.equals(tmp)) {
        throw new IllegalStateException(
            "PostgreSQL runs as '"
                + SERVICE_USER
                + "' and cannot reach "
                + dir
                + " because "
                + p
                + " is closed to other users; choose a state directory outside it");
      }
      perms.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(p, perms);
    }
  }

  private static String readOrCreatePassword(Path pwfile) throws IOException {
    if (Files.exists(pwfile)) {
      return Files.readString(pwfile, StandardCharsets.UTF_8).strip();
    }
    String password = Secrets.random(18);
    // Created 0640 from the start: never readable by other users, not even for a moment.
    Files.createFile(
        pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    OsUser.chown(SERVICE_USER, pwfile);
    return password;
  }

  private static void initdb(Path bin, Path dataDir, Path pwfile) throws IOException {
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    OsUser.chown(SERVICE_USER, dataDir);
    ChildProcess.run(
        OsUser.as(
            SERVICE_USER,
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                dataDir.toString(),
                "-U",
                DATABASE,
                "--pwfile=" + pwfile,
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8")),
        Duration.ofMinutes(2));
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      process.checkAlive();
      try {
        DriverManager.getConnection(jdbcUrl("postgres"), user(), password)
            .close(); // accepted: ready
        return;
      } catch (SQLException e) {
        last = e;
        Sleep.millis(250);
      }
    }
    throw new IllegalStateException(
        "PostgreSQL did not accept connections on port "
            + port
            + " within "
            + START_TIMEOUT
            + " ("
            + (last == null ? "" : last.getMessage())
            + "); log:\n"
            + process.tail(30));
  }

  private void createDatabase() throws IOException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), password);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IOException("could not create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
