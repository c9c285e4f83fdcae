package org.porthole.stack.kerberos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Ports;
import org.porthole.stack.host.Secrets;

/**
 * A real MIT Kerberos KDC (Debian's {@code krb5-kdc}) for a throwaway realm, {@value #REALM}, on a
 * loopback port of our choosing, with its database, configuration and the keytab for Keycloak's
 * {@code HTTP/localhost} service principal all in one state directory of our own; nothing under
 * /etc is read or written (KRB5_CONFIG and KRB5_KDC_PROFILE point at our files). The database is
 * created once, with a random master password that only the stash file keeps, and reused on later
 * starts; the configuration is written on every start because the port may change.
 */
public final class Kdc implements AutoCloseable {
  /** The realm, never a real one: nothing outside this machine trusts it. */
  public static final String REALM = "PORTHOLE.TEST";

  /** Keycloak's SPNEGO service principal; its keys are in {@link #keytab()}. */
  public static final String HTTP_PRINCIPAL = "HTTP/localhost@" + REALM;

  /** The demo users and their documented demo passwords (README of deploy/local). */
  public static final Map<String, String> DEMO_USERS = demoUsers();

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final Path SBIN = Path.of("/usr/sbin");
  private static final String CREATED = "\" created.";
  private static final String MODIFIED = "\" modified.";
  private static final String FLAGS = "Flags:";
  private static final Pattern SERVICE_PRINCIPAL =
      Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+@" + Pattern.quote(REALM));

  private final ChildProcess process;
  private final Path dir;
  private final int port;

  private Kdc(ChildProcess process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  private static Map<String, String> demoUsers() {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("admin", "demo-admin");
    users.put("alice", "demo-alice");
    users.put("bob", "demo-bob");
    return java.util.Collections.unmodifiableMap(users);
  }

  /** Starts a KDC on 127.0.0.1:{@code port}, creating the realm under {@code dir} when new. */
  public static Kdc start(Path dir, int port, Path logDir) throws IOException {
    requireTools();
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs);
    Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rwx------"));
    writeConfig(abs, port);
    Map<String, String> env = env(abs);
    if (!Files.exists(abs.resolve("http.keytab"))) {
      createRealm(abs, env);
    }
    ChildProcess child =
        ChildProcess.start(
            "krb5kdc",
            List.of(SBIN.resolve("krb5kdc").toString(), "-n", "-r", REALM),
            env,
            logDir.resolve("kdc.log"));
    Kdc kdc = new Kdc(child, abs, port);
    try {
      Ports.await(port, START_TIMEOUT, child);
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
    return kdc;
  }

  /** The client configuration (forwardable tickets, no DNS, no reverse lookups): KRB5_CONFIG. */
  public Path krb5Conf() {
    return dir.resolve("krb5.conf");
  }

  /** The keytab holding {@link #HTTP_PRINCIPAL}'s keys, for Keycloak's Kerberos federation. */
  public Path keytab() {
    return dir.resolve("http.keytab");
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The environment that points MIT tools (kinit, klist, kvno) at this realm. */
  public Map<String, String> clientEnv() {
    return Map.of("KRB5_CONFIG", krb5Conf().toString());
  }

  /**
   * Gets a TGT for {@code user} into the file credential cache {@code ccache}, the password given
   * on stdin; fails with kinit's message (never the password) when the KDC says no. The TGT is
   * forwardable ({@link #krb5Conf()} says so), so it can be delegated.
   */
  public void kinit(String user, String password, Path ccache) throws IOException {
    runKinit(user, password, ccache, List.of());
  }

  /**
   * Like {@link #kinit(String, String, Path)} with kinit's {@code options} before the principal
   * (for example {@code -f}, forwardable, as a user who delegates would ask).
   */
  public void kinit(String user, String password, Path ccache, String... options)
      throws IOException {
    for (String option : options) {
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("not a kinit option: " + option);
      }
    }
    runKinit(user, password, ccache, List.of(options));
  }

  /**
   * Like {@link #kinit}, but the TGT is not forwardable ({@code kinit -F}): a client holding it can
   * never delegate it, whatever it asks for.
   */
  public void kinitNotForwardable(String user, String password, Path ccache) throws IOException {
    runKinit(user, password, ccache, List.of("-F"));
  }

  private void runKinit(String user, String password, Path ccache, List<String> options)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("kinit");
    command.addAll(options);
    command.add(user + "@" + REALM);
    ChildProcess.run(command, cacheEnv(ccache), password + "\n", TOOL_TIMEOUT);
  }

  /**
   * Runs an MIT client tool of this realm ({@code klist}, {@code kvno}) on the file credential
   * cache {@code ccache}; fails with the tool's output when it exits non-zero.
   */
  public String clientTool(Path ccache, String... command) throws IOException {
    return ChildProcess.run(List.of(command), cacheEnv(ccache), "", TOOL_TIMEOUT);
  }

  /**
   * The flag letters {@code klist -f} shows for {@code principal}'s ticket in {@code ccache} (F
   * forwardable, f forwarded, O ok-as-delegate, ...), read from the indented lines under the
   * ticket; "" when it has none or is not in the cache.
   */
  public String ticketFlags(Path ccache, String principal) throws IOException {
    List<String> lines = clientTool(ccache, "klist", "-f").lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).endsWith(" " + principal)) {
        continue;
      }
      for (int j = i + 1; j < lines.size() && indented(lines.get(j)); j++) {
        int at = lines.get(j).indexOf(FLAGS);
        if (at >= 0) {
          return lines.get(j).substring(at + FLAGS.length()).strip();
        }
      }
    }
    return "";
  }

  private static boolean indented(String line) {
    return !line.isEmpty() && Character.isWhitespace(line.charAt(0));
  }

  private Map<String, String> cacheEnv(Path ccache) {
    Map<String, String> env = new LinkedHashMap<>(clientEnv());
    env.put("KRB5CCNAME", "FILE:" + ccache.toAbsolutePath());
    return env;
  }

  /**
   * Creates the service principal {@code principal} (such as {@code
   * host/guest.porthole.test@PORTHOLE.TEST}) with random keys, or updates it when it exists, and
   * writes its keys alone to a new keytab {@code keytab} (mode 0600), replacing any file there.
   * With {@code okAsDelegate} the realm marks the service trusted for delegation: its tickets carry
   * OK-AS-DELEGATE, which is what a client delegating "by policy" looks for.
   */
  public void addService(String principal, boolean okAsDelegate, Path keytab) throws IOException {
    if (!SERVICE_PRINCIPAL.matcher(principal).matches()) {
      throw new IllegalArgumentException("not a service principal of " + REALM + ": " + principal);
    }
    Map<String, String> env = env(dir);
    String flag = (okAsDelegate ? "+" : "-") + "ok_as_delegate";
    String added = kadminOutput(env, "addprinc -randkey " + flag + " " + principal, "");
    if (!added.contains(CREATED)) {
      if (!added.contains("already exists")) {
        throw new IOException("kadmin.local 'addprinc " + principal + "' failed: " + added.strip());
      }
      kadmin(env, "modprinc " + flag + " " + principal, "", MODIFIED);
    }
    Path file = keytab.toAbsolutePath();
    Files.deleteIfExists(file);
    kadmin(env, "ktadd -k " + file + " -norandkey " + principal, "", "added to keytab");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Whether the KDC still accepts the keys in {@code keytab} for the service {@code principal}:
   * {@code kinit -k} with them succeeds (the realm kept the keys since the keytab was written).
   */
  public boolean acceptsKeytab(String principal, Path keytab) throws IOException {
    Path ccache = Files.createTempFile(dir, "keytab-check", ".cc");
    try {
      ChildProcess.run(
          List.of("kinit", "-k", "-t", keytab.toAbsolutePath().toString(), principal),
          cacheEnv(ccache),
          "",
          TOOL_TIMEOUT);
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      Files.deleteIfExists(ccache);
    }
  }

  private static void requireTools() {
    for (Path tool :
        List.of(SBIN.resolve("krb5kdc"), SBIN.resolve("kdb5_util"), SBIN.resolve("kadmin.local"))) {
      if (!Files.isExecutable(tool)) {
        throw new IllegalStateException(
            tool
                + " is missing: install MIT Kerberos with"
                + " 'apt-get install krb5-kdc krb5-admin-server krb5-user' (./porthole setup does this as root)");
      }
    }
  }

  private static Map<String, String> env(Path dir) {
    return Map.of(
        "KRB5_CONFIG",
        dir.resolve("krb5.conf").toString(),
        "KRB5_KDC_PROFILE",
        dir.resolve("kdc.conf").toString());
  }

  private static void writeConfig(Path dir, int port) throws IOException {
    String listen = "127.0.0.1:" + port;
    Path db = dir.resolve("db");
    Files.writeString(
        dir.resolve("kdc.conf"),
        String.join(
            "\n",
            "# written by porthole-stack on every start",
            "[kdcdefaults]",
            " kdc_listen = " + listen,
            " kdc_tcp_listen = " + listen,
            "[realms]",
            " " + REALM + " = {",
            "  database_name = " + db.resolve("principal"),
            "  key_stash_file = " + db.resolve("stash"),
            "  acl_file = " + dir.resolve("kadm5.acl"),
            "  max_life = 10h",
            "  max_renewable_life = 7d",
            "  default_principal_flags = +preauth",
            " }",
            "[logging]",
            " kdc = STDERR",
            ""),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("krb5.conf"),
        String.join(
            "\n",
            "# written by porthole-stack on every start: clients of the throwaway realm " + REALM,
            "[libdefaults]",
            " default_realm = " + REALM,
            " forwardable = true",
            " rdns = false",
            " dns_canonicalize_hostname = false",
            " dns_lookup_kdc = false",
            " dns_lookup_realm = false",
            " udp_preference_limit = 1",
            "[realms]",
            " " + REALM + " = {",
            "  kdc = " + listen,
            " }",
            "[domain_realm]",
            " localhost = " + REALM,
            ""),
        StandardCharsets.UTF_8);
  }

  /**
   * Creates the database (stashed random master key), the demo users' principals and the HTTP
   * service principal with its keytab. The keytab is written last, so its presence means the realm
   * is complete; a half-made realm is removed and made again.
   */
  private static void createRealm(Path dir, Map<String, String> env) throws IOException {
    deleteTree(dir.resolve("db"));
    Files.createDirectories(dir.resolve("db"));
    Files.writeString(dir.resolve("kadm5.acl"), "", StandardCharsets.UTF_8);
    String master = Secrets.random(24);
    ChildProcess.run(
        List.of(SBIN.resolve("kdb5_util").toString(), "create", "-s", "-r", REALM),
        env,
        master + "\n" + master + "\n",
        TOOL_TIMEOUT);
    for (Map.Entry<String, String> user : DEMO_USERS.entrySet()) {
      kadmin(
          env,
          "addprinc " + user.getKey(),
          user.getValue() + "\n" + user.getValue() + "\n",
          CREATED);
    }
    kadmin(env, "addprinc -randkey " + HTTP_PRINCIPAL, "", CREATED);
    Path keytab = dir.resolve("http.keytab.new");
    Files.deleteIfExists(keytab);
    kadmin(env, "ktadd -k " + keytab + " -norandkey " + HTTP_PRINCIPAL, "", "added to keytab");
    Files.setPosixFilePermissions(keytab, PosixFilePermissions.fromString("rw-------"));
    Files.move(keytab, dir.resolve("http.keytab"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** kadmin.local exits 0 even when its query fails, so success is read from its output. */
  private static void kadmin(Map<String, String> env, String query, String input, String success)
      throws IOException {
    String out = kadminOutput(env, query, input);
    if (!out.contains(success)) {
      throw new IOException("kadmin.local '" + query + "' failed: " + out.strip());
    }
  }

  /** What kadmin.local printed for {@code query}; its exit status says nothing (see above). */
  private static String kadminOutput(Map<String, String> env, String query, String input)
      throws IOException {
    return ChildProcess.run(
        List.of(SBIN.resolve("kadmin.local").toString(), "-r", REALM, "-q", query),
        env,
        input,
        TOOL_TIMEOUT);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Stops the KDC; the realm stays for the next start. */
  @Override
  public void close() {
    process.close();
  }
}
