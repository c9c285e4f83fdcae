package org.porthole.wsproxy.load;

import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.ws.WsClient;
import org.porthole.wsproxy.harness.AgentServers;
import org.porthole.wsproxy.harness.FakeAgent;
import org.porthole.wsproxy.harness.ProxyFixtures;

/**
 * A loopback load run against the real proxy jar (a child process), with a fake host agent over
 * mutual-TLS gRPC and a JWKS server in this JVM. Measures new consoles per second (TCP connect,
 * upgrade, token verification, agent call, first byte back, close) and the proxy's PSS per idle
 * console while pings flow. Not a test: run by hand, see the ws-proxy README.
 *
 * <p>Arguments: {@code jar idleCount setupCount concurrency [extra JVM/system options...]}.
 */
public final class ProxyLoad {

  private static final Pattern LISTENING =
      Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/");
  private static final long WAIT_SECONDS = 20;

  private ProxyLoad() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int idle = Integer.parseInt(args[1]);
    int setups = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    List<String> extra = List.of(args).subList(4, args.length);
    Path pki = Files.createTempDirectory("proxy-load-pki");
    TokenMint tokens = new TokenMint("load-key");
    JwksServer jwks = JwksServer.start(tokens);
    BannerAgent fake = new BannerAgent();
    Server agent = AgentServers.start(pki, fake, true);
    String host = AgentServers.hostId(agent);
    Process proxy = launch(jar, pki, jwks, extra);
    try {
      URI uri = URI.create("ws://127.0.0.1:" + port(proxy) + "/v1/console");
      rate(uri, tokens, host, setups, concurrency); // warm-up (JIT)
      long cpu0 = cpuMillis(proxy.pid());
      long self0 = cpuMillis(ProcessHandle.current().pid());
      double perSecond = rate(uri, tokens, host, setups, concurrency);
      long cpu1 = cpuMillis(proxy.pid());
      long self1 = cpuMillis(ProcessHandle.current().pid());
      System.out.printf(
          "set-up: %d consoles, %d at once: %.0f consoles/s; CPU per console: proxy %.0f µs,"
              + " load generator + fake agent %.0f µs%n",
          setups,
          concurrency,
          perSecond,
          (cpu1 - cpu0) * 1000.0 / setups,
          (self1 - self0) * 1000.0 / setups);
      Thread.sleep(3000);
      long pssBefore = pssKiB(proxy.pid());
      long fdsBefore = count("/proc/" + proxy.pid() + "/fd");
      List<WsClient> held = openIdle(uri, tokens, host, idle);
      Thread.sleep(TimeUnit.SECONDS.toMillis(12)); // pings flow (ping interval in extra)
      long open = held.stream().filter(WsClient::isOpen).count();
      long pssAfter = pssKiB(proxy.pid());
      long fdsAfter = count("/proc/" + proxy.pid() + "/fd");
      System.out.printf(
          "idle: %d consoles held (%d still open after 12 s, agent calls active %d);"
              + " proxy PSS %d -> %d KiB = %.1f KiB per console; proxy fds %d -> %d;"
              + " proxy threads %d%n",
          idle,
          open,
          fake.active(),
          pssBefore,
          pssAfter,
          (pssAfter - pssBefore) / (double) idle,
          fdsBefore,
          fdsAfter,
          count("/proc/" + proxy.pid() + "/task"));
      held.forEach(WsClient::close);
    } finally {
      proxy.destroy();
      proxy.waitFor(10, TimeUnit.SECONDS);
      agent.shutdownNow();
      jwks.close();
    }
    System.exit(0);
  }

  private static double rate(URI uri, TokenMint tokens, String host, int count, int concurrency)
      throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    List<String> signed = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      signed.add(tokens.sign(host));
    }
    long t0 = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      int first = w;
      done.add(
          workers.submit(
              () -> {
                for (int i = first; i < count; i += concurrency) {
                  WsClient client = WsClient.connect(uri, ProxyFixtures.ORIGIN, signed.get(i));
                  client.firstData().get(WAIT_SECONDS, TimeUnit.SECONDS);
                  client.close();
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(WAIT_SECONDS * 10, TimeUnit.SECONDS);
    }
    long nanos = System.nanoTime() - t0;
    workers.shutdown();
    return count / (nanos / 1e9);
  }

  private static List<WsClient> openIdle(URI uri, TokenMint tokens, String host, int count)
      throws Exception {
    List<WsClient> held = new ArrayList<>(count);
    for (int done = 0; done < count; done += 200) {
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + 200); i++) {
        WsClient client = WsClient.connect(uri, ProxyFixtures.ORIGIN, tokens.sign(host));
        held.add(client);
        batch.add(client.firstData());
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    return held;
  }

  private static Process launch(Path jar, Path pki, JwksServer jwks, List<String> extra)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(extra);
    command.addAll(
        List.of(
            "-Dporthole.pki.dir=" + pki,
            "-Dporthole.proxy.port=0",
            "-Dporthole.jwks.url=http://127.0.0.1:" + jwks.port() + "/api/v1/jwks",
            "-jar",
            jar.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static int port(Process proxy) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  } else if (line.contains("WARN") || line.contains("SEVERE")) {
                    System.out.println("proxy: " + line);
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(
                  new IllegalStateException("proxy exited without listening"));
            },
            "proxy-log");
    reader.setDaemon(true);
    reader.start();
    return port.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** utime + stime of a process in ms (clock ticks of 10 ms). */
  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }

  private static long pssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
      if (line.startsWith("Pss:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no Pss line in smaps_rollup of " + pid);
  }

  /** Answers each open with the banner and ignores the rest; counts open calls. */
  private static final class BannerAgent extends HostAgentGrpc.HostAgentImplBase {
    private final AtomicInteger active = new AtomicInteger();
    private final ConsoleFrame banner =
        FakeAgent.data(FakeAgent.BANNER.getBytes(StandardCharsets.US_ASCII));

    int active() {
      return active.get();
    }

    @Override
    public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> out) {
      active.incrementAndGet();
      ((ServerCallStreamObserver<ConsoleFrame>) out).setOnCancelHandler(active::decrementAndGet);
      out.onNext(banner);
      return new StreamObserver<>() {
        public void onNext(ConsoleFrame frame) {}

        public void onError(Throwable t) {}

        public void onCompleted() {}
      };
    }
  }

  private static long count(String dir) throws IOException {
    try (Stream<Path> entries = Files.list(Path.of(dir))) {
      return entries.count();
    }
  }
}
