import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Leaves out of an image the native libraries that the services' jars carry for other platforms
 * than the image's (zstd-jni for some twenty, snappy-java, JNA, Netty's BoringSSL and epoll, gRPC's
 * shaded Netty): the image runs on one platform, the one whose JDK and libraries it was built from.
 * Classes and the image's own platform's libraries stay, so every codec and transport keeps
 * working. Run by the services' {@code images} profile with the JDK's source launcher:
 *
 * <pre>
 * java SlimJars.java jib ARCH CLASSPATH OUT
 *     CLASSPATH: a Maven class path (dependency:build-classpath); writes OUT/lib/NAME.jar for each
 *     jar (without the others' native libraries) and OUT/classpath, the java -cp argument
 *     /app/resources:/app/classes:/app/lib/NAME.jar:... in the same order
 * java SlimJars.java quarkus ARCH DEPENDENCIES OUT
 *     DEPENDENCIES: dependency:list with absolute file names; writes the properties file OUT with
 *     quarkus.class-loading.removed-resources for each jar that carries others' libraries (Quarkus
 *     leaves them out of the jars it packages)
 * </pre>
 *
 * ARCH is the image's architecture, by Debian's or the JVM's name ({@code amd64}, {@code arm64} or
 * {@code aarch64}): the build machine's, whose JDK and libraries the base images hold.
 */
public final class SlimJars {
  private static final Pattern NATIVE =
      Pattern.compile("(?i).*\\.(so(\\.[0-9]+)*|dylib|jnilib|dll|a)$");

  /** A path naming an operating system or C library that is not the image's (Linux, glibc). */
  private static final Pattern OTHER_OS =
      token(
          "darwin|osx|macos|mac|windows|win|win32|win64|freebsd|openbsd|netbsd|aix|sunos|solaris"
              + "|android|musl");

  private static final Pattern ANY_ARCH =
      token(
          "x86_64|x86-64|amd64|x86|i386|i686|aarch64|aarch_64|arm64|arm|armel|armhf|armv6|armv7"
              + "|ppc|ppc64|ppc64le|s390x|riscv64|mips64|mips64el|loongarch64|sparc|sparcv9");

  /** By Debian's and the JVM's ({@code os.arch}) names of the architecture. */
  private static final Map<String, Pattern> ARCH =
      Map.of(
          "amd64", token("x86_64|x86-64|amd64"),
          "arm64", token("aarch64|aarch_64|arm64"),
          "aarch64", token("aarch64|aarch_64|arm64"));

  private final Pattern ownArch;
  private long removedBytes;
  private int removedFiles;

  private SlimJars(Pattern ownArch) {
    this.ownArch = ownArch;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4 || !ARCH.containsKey(args[1])) {
      System.err.println(
          "usage: SlimJars jib|quarkus " + String.join("|", ARCH.keySet()) + " INPUT OUT");
      System.exit(2);
    }
    SlimJars slim = new SlimJars(ARCH.get(args[1]));
    Path input = Path.of(args[2]);
    Path out = Path.of(args[3]);
    switch (args[0]) {
      case "jib" -> slim.jib(input, out);
      case "quarkus" -> slim.quarkus(input, out);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    System.out.printf(
        "slim-jars: %d native libraries for other platforms left out (%.1f MB compressed)%n",
        slim.removedFiles, slim.removedBytes / 1e6);
  }

  private static Pattern token(String alternatives) {
    return Pattern.compile("(^|[/_.-])(" + alternatives + ")([/_.-]|$)");
  }

  /** A native library in a jar that is for another operating system or processor. */
  boolean foreign(String entry) {
    if (!NATIVE.matcher(entry).matches()) {
      return false;
    }
    String path = entry.toLowerCase(Locale.ROOT);
    return OTHER_OS.matcher(path).find()
        || (ANY_ARCH.matcher(path).find() && !ownArch.matcher(path).find());
  }

  private void jib(Path classpath, Path out) throws IOException {
    Path lib = Files.createDirectories(out.resolve("lib"));
    try (var old = Files.list(lib)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    StringBuilder cp = new StringBuilder("/app/resources:/app/classes");
    Set<String> names = new HashSet<>();
    String text = Files.readString(classpath, StandardCharsets.UTF_8).trim();
    for (String entry : text.isEmpty() ? new String[0] : text.split(":")) {
      Path jar = Path.of(entry);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is no jar: package the modules it comes from first");
      }
      String name = jar.getFileName().toString();
      if (!names.add(name)) {
        throw new IllegalStateException("two jars named " + name + " on " + classpath);
      }
      List<String> drop = foreignEntries(jar);
      if (drop.isEmpty()) {
        Files.copy(jar, lib.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
      } else {
        copyWithout(jar, lib.resolve(name), new HashSet<>(drop));
      }
      cp.append(":/app/lib/").append(name);
    }
    Files.writeString(out.resolve("classpath"), cp.append('\n').toString());
  }

  private void quarkus(Path dependencies, Path out) throws IOException {
    Map<String, List<String>> removed = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dependencies, StandardCharsets.UTF_8)) {
      // group:artifact:type[:classifier]:version:scope:/path/file.jar[ -- module name]
      // (Maven may colour the module part.)
      String plain = line.replaceAll("\u001B\\[[0-9;]*m", "").trim();
      String[] f = plain.replaceFirst(" -- .*$", "").split(":");
      if (f.length < 6 || !f[f.length - 1].endsWith(".jar")) {
        continue;
      }
      List<String> drop = foreignEntries(Path.of(f[f.length - 1]));
      if (!drop.isEmpty()) {
        String key = f[0] + "\\:" + f[1] + (f.length == 7 ? "\\:" + f[3] : "");
        removed.put(key, drop);
      }
    }
    StringBuilder props =
        new StringBuilder("# Written by deploy/images/SlimJars.java: native libraries for other")
            .append(" platforms, left out of the image's jars.\n");
    removed.forEach(
        (key, entries) ->
            props
                .append("quarkus.class-loading.removed-resources.\"")
                .append(key)
                .append("\"=")
                .append(String.join(",", entries))
                .append('\n'));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, props.toString());
  }

  private List<String> foreignEntries(Path jar) throws IOException {
    List<String> drop = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (!entry.isDirectory() && foreign(entry.getName())) {
          drop.add(entry.getName());
          removedFiles++;
          removedBytes += entry.getCompressedSize();
        }
      }
    }
    return drop;
  }

  /** Copies {@code jar} without the entries {@code drop}, keeping the others' order and times. */
  private static void copyWithout(Path jar, Path target, Set<String> drop) throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try (ZipFile zip = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(part))) {
      zip.stream()
          .filter(entry -> !drop.contains(entry.getName()))
          .forEach(
              entry -> {
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                try (InputStream in = zip.getInputStream(entry)) {
                  out.putNextEntry(copy);
                  in.transferTo(out);
                  out.closeEntry();
                } catch (IOException ex) {
                  throw new UncheckedIOException(ex);
                }
              });
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
  }
}
