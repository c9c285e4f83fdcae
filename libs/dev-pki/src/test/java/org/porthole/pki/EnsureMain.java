package org.porthole.pki;

import java.nio.file.Files;
import java.nio.file.Path;

/** Run in a separate JVM by {@link DevPkiTest} to race another process for the CA. */
public final class EnsureMain {

  private EnsureMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path start = Path.of(args[2]);
    while (!Files.exists(start)) {
      Thread.sleep(10);
    }
    TlsFiles files = DevPki.ensure(dir, ServiceIdentity.hostAgent(args[1]));
    System.out.println(Pem.readCertificate(files.caCert()).getSerialNumber());
  }
}
