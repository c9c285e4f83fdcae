package org.porthole.stack.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Formats a KRaft log directory with a SCRAM credential, run in a child JVM by {@link KafkaBroker}:
 * arguments {@code <cluster id> <server.properties>}, and the {@code --add-scram} value (which
 * holds a password) as the first line of stdin, so that it never shows on a command line.
 */
public final class KafkaFormat {

  private KafkaFormat() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println(
          "usage: KafkaFormat <cluster id> <server.properties> (SCRAM credential on stdin)");
      System.exit(2);
    }
    String scram =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (scram == null || scram.isBlank()) {
      System.err.println("KafkaFormat: no SCRAM credential on stdin");
      System.exit(2);
    }
    kafka.tools.StorageTool.main(
        new String[] {"format", "-t", args[0], "-c", args[1], "--add-scram", scram.strip()});
  }
}
