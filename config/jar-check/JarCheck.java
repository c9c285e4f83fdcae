import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The build's check that a service ships no test or benchmark code. Run by every service's {@code
 * verify} (the parent pom, property {@code jar-check.paths}) as a single-file program:
 *
 * <pre>java config/jar-check/JarCheck.java REPORT TARGET_DIR PATH[,PATH...]</pre>
 *
 * <p>Each PATH (relative to TARGET_DIR) is a jar or a folder of jars: the service's jar and its
 * runtime libraries. A library named like a test framework or a Porthole test/bench module fails
 * the build. Every class of a Porthole jar is listed in REPORT; one in a {@code bench}, {@code
 * test}, {@code testsupport} or {@code it} package, named like a test or test double, or naming
 * a test framework's classes fails the build. Before checking, the program proves on jars of its
 * own making that each rule fires, so a broken check cannot pass silently.
 */
public final class JarCheck {
  private static final Set<String> TEST_PACKAGES =
      Set.of("bench", "test", "tests", "testsupport", "it");
  private static final Pattern TEST_CLASS =
      Pattern.compile("(Fake|Bench|Mock|Stub)[A-Z].*|.*(Test|Tests|IT|TestCase)");
  private static final Pattern TEST_LIBRARY =
      Pattern.compile(
          "(junit|assertj|mockito|hamcrest|opentest4j|porthole-test-support|porthole-bench"
              + "|porthole-stack|grpc-inprocess|grpc-testing)[-.].*");
  private static final List<String> TEST_REFERENCES =
      List.of(
          "org/junit/", "org/assertj/", "org/mockito/", "org/porthole/testsupport/",
          "org/porthole/bench/");

  private final List<String> problems = new ArrayList<>();
  private final List<String> listing = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: JarCheck REPORT TARGET_DIR PATH[,PATH...]");
      System.exit(2);
    }
    selfTest();
    Path target = Path.of(args[1]);
    List<Path> jars = new ArrayList<>();
    for (String p : args[2].split(",")) {
      jars.addAll(jarsAt(target.resolve(p.trim())));
    }
    JarCheck check = new JarCheck();
    for (Path jar : jars) {
      check.check(jar);
    }
    Files.write(Path.of(args[0]), check.listing, StandardCharsets.UTF_8);
    if (!check.problems.isEmpty()) {
      System.err.println("jar-check: test or benchmark code in a production jar:");
      check.problems.forEach(p -> System.err.println("  " + p));
      System.exit(1);
    }
    System.out.printf(
        "jar-check: %d jars, %d Porthole classes (listed in %s), no test or benchmark code%n",
        jars.size(), check.listing.size(), args[0]);
  }

  private static List<Path> jarsAt(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new IOException(path + " is missing: package the module first");
    }
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    }
  }

  private void check(Path jar) throws IOException {
    String name = jar.getFileName().toString();
    if (TEST_LIBRARY.matcher(libraryName(name)).matches()) {
      problems.add(jar + ": a test or benchmark library on the runtime classpath");
    }
    if (!name.contains("porthole")) {
      return;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : zip.stream().sorted(Comparator.comparing(ZipEntry::getName)).toList()) {
        if (e.getName().endsWith(".class")) {
          checkClass(name, e.getName(), zip.getInputStream(e));
        }
      }
    }
  }

  /** The artifact part of a file name: Quarkus' lib/ prefixes it with the group id. */
  private static String libraryName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    int lastDotBeforeName = n.lastIndexOf('.', Math.max(0, n.indexOf('-') - 1));
    return lastDotBeforeName > 0 ? n.substring(lastDotBeforeName + 1) : n;
  }

  private void checkClass(String jar, String entry, InputStream in) throws IOException {
    listing.add(jar + " " + entry);
    String[] segments = entry.substring(0, entry.length() - ".class".length()).split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (TEST_PACKAGES.contains(segments[i])) {
        problems.add(jar + ": " + entry + " is in a test or benchmark package");
      }
    }
    String simple = segments[segments.length - 1];
    String outer = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
    if (TEST_CLASS.matcher(outer).matches()) {
      problems.add(jar + ": " + entry + " is named like a test or test double");
    }
    String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    for (String ref : TEST_REFERENCES) {
      if (bytes.contains(ref)) {
        problems.add(jar + ": " + entry + " uses " + ref.replace('/', '.'));
      }
    }
  }

  /** Each rule must fire on a jar made to break it, and a clean jar must pass. */
  private static void selfTest() throws IOException {
    Path dir = Files.createTempDirectory("jar-check");
    try {
      expect(dir, "porthole-x.jar", "org/porthole/x/Relay.class", "plain", 0);
      expect(dir, "porthole-x.jar", "org/porthole/x/bench/Backend.class", "plain", 1);
      expect(dir, "porthole-x.jar", "org/porthole/x/RelayTest.class", "plain", 1);
      expect(dir, "porthole-x.jar", "org/porthole/x/FakeAgent$1.class", "plain", 1);
      expect(dir, "porthole-x.jar", "org/porthole/x/Relay.class", "Lorg/junit/api/Test;", 1);
      expect(dir, "junit-jupiter-api-5.12.2.jar", "org/other/Api.class", "plain", 1);
      expect(dir, "org.porthole.porthole-test-support-0.1.jar", "org/other/A.class", "plain", 1);
      expect(dir, "org.jboss.logging.jboss-logging-3.6.jar", "org/jboss/Logger.class", "plain", 0);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void expect(Path dir, String jarName, String entry, String content, int problems)
      throws IOException {
    Path jar = dir.resolve(jarName);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry(entry));
      out.write(content.getBytes(StandardCharsets.ISO_8859_1));
      out.closeEntry();
    }
    JarCheck check = new JarCheck();
    check.check(jar);
    Files.delete(jar);
    if (check.problems.size() != problems) {
      throw new IllegalStateException(
          "jar-check self-test: " + jarName + " " + entry + " gave " + check.problems);
    }
  }
}
