package org.porthole.stack.kerberos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.demovm.GuestKeytab;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.Ports;

/**
 * The real MIT KDC: demo users get forwardable TGTs (or, when asked, not forwardable ones), wrong
 * passwords get nothing, services carry OK-AS-DELEGATE only when created so, and it stops with us.
 */
class KdcIT {
  private static final String TGT = "krbtgt/PORTHOLE.TEST@PORTHOLE.TEST";
  private static final String TRUSTED = "host/trusted.porthole.test@PORTHOLE.TEST";
  private static final String PLAIN = "host/plain.porthole.test@PORTHOLE.TEST";

  @TempDir Path dir;

  @Test
  void aliceGetsForwardableTgtWithHerPassword() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      Path ccache = dir.resolve("alice.cc");
      kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache);
      String klist = klist(kdc, ccache);
      assertThat(klist)
          .contains("Default principal: alice@PORTHOLE.TEST")
          .contains("krbtgt/PORTHOLE.TEST@PORTHOLE.TEST");
      assertThat(kdc.ticketFlags(ccache, TGT)).as("forwardable TGT").contains("F");
    }
  }

  @Test
  void notForwardableTgtLacksTheForwardableFlag() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      Path ccache = dir.resolve("alice-nf.cc");
      kdc.kinitNotForwardable("alice", Kdc.DEMO_USERS.get("alice"), ccache);
      assertThat(kdc.ticketFlags(ccache, TGT)).as("TGT flags").isNotEmpty().doesNotContain("F");
    }
  }

  @Test
  void serviceTicketsCarryOkAsDelegateOnlyForTrustedServices() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      Path trustedKeytab = dir.resolve("trusted.keytab");
      Path plainKeytab = dir.resolve("plain.keytab");
      kdc.addService(TRUSTED, true, trustedKeytab);
      kdc.addService(PLAIN, false, plainKeytab);
      Path ccache = dir.resolve("alice.cc");
      kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache);
      kdc.clientTool(ccache, "kvno", TRUSTED, PLAIN);
      assertThat(kdc.ticketFlags(ccache, TRUSTED)).as("trusted service ticket").contains("O");
      assertThat(kdc.ticketFlags(ccache, PLAIN)).as("plain").isNotEmpty().doesNotContain("O");
      String keys = kdc.clientTool(ccache, "klist", "-k", trustedKeytab.toString());
      assertThat(keys).contains(TRUSTED).doesNotContain(PLAIN).doesNotContain("alice");
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(plainKeytab));
      assertThat(mode).isEqualTo("rw-------");
    }
  }

  @Test
  void addServiceTwiceUpdatesTheFlagAndRewritesTheKeytab() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      Path keytab = dir.resolve("svc.keytab");
      kdc.addService(PLAIN, true, keytab);
      kdc.addService(PLAIN, false, keytab);
      Path ccache = dir.resolve("alice.cc");
      kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache);
      kdc.clientTool(ccache, "kvno", PLAIN);
      assertThat(kdc.ticketFlags(ccache, PLAIN)).isNotEmpty().doesNotContain("O");
      assertThat(kdc.clientTool(ccache, "klist", "-k", keytab.toString())).contains(PLAIN);
      assertThatThrownBy(() -> kdc.addService("host/x@OTHER.REALM", false, keytab))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aGuestKeytabIsKeptWhileTheKdcAcceptsItsKeysAndItsTicketsAreOkAsDelegate() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      GuestKeytab first = GuestKeytab.create(kdc, "vm1", dir.resolve("guests"));
      assertThat(first.spn()).isEqualTo("host/vm1.porthole.test@PORTHOLE.TEST");
      assertThat(kdc.acceptsKeytab(first.spn(), first.keytab())).isTrue();
      byte[] bytes = Files.readAllBytes(first.keytab());
      GuestKeytab again = GuestKeytab.create(kdc, "vm1", dir.resolve("guests"));
      assertThat(Files.readAllBytes(again.keytab())).as("kept byte for byte").isEqualTo(bytes);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(again.keytab())))
          .isEqualTo("rw-------");

      Path ccache = dir.resolve("alice-f.cc");
      kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), ccache, "-f");
      assertThat(kdc.ticketFlags(ccache, TGT)).as("kinit -f").contains("F");
      kdc.clientTool(ccache, "kvno", first.spn());
      assertThat(kdc.ticketFlags(ccache, first.spn())).as("guest service ticket").contains("O");

      kdc.addService(PLAIN, false, dir.resolve("plain.keytab"));
      assertThat(kdc.acceptsKeytab(first.spn(), dir.resolve("plain.keytab")))
          .as("a keytab without the VM's keys")
          .isFalse();
      assertThatThrownBy(() -> kdc.kinit("alice", "x", ccache, "alice@EVIL"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsWrongPassword() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      Path ccache = dir.resolve("bob.cc");
      assertThatThrownBy(() -> kdc.kinit("bob", "not-bobs-password", ccache))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Password incorrect")
          .hasMessageNotContaining("not-bobs-password");
      assertThat(ccache).doesNotExist();
    }
  }

  @Test
  void rejectsUnknownPrincipal() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      assertThatThrownBy(() -> kdc.kinit("mallory", "x", dir.resolve("m.cc")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not found in Kerberos database");
    }
  }

  @Test
  void keytabHoldsHttpServiceKeysOnly() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      String keys =
          ChildProcess.run(
              List.of("klist", "-k", kdc.keytab().toString()),
              kdc.clientEnv(),
              "",
              Duration.ofSeconds(20));
      assertThat(keys).contains(Kdc.HTTP_PRINCIPAL).doesNotContain("alice").doesNotContain("K/M");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kdc.keytab())))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void stopsWithTheStackAndKeepsItsRealm() throws Exception {
    int port = Ports.free();
    Path state = dir.resolve("kdc");
    Kdc first = Kdc.start(state, port, dir.resolve("logs"));
    byte[] keytab = Files.readAllBytes(first.keytab());
    first.close();
    assertThat(first.isAlive()).isFalse();
    assertThat(Ports.isOpen(port)).as("stopped KDC releases its port").isFalse();
    int secondPort = Ports.free();
    try (Kdc second = Kdc.start(state, secondPort, dir.resolve("logs"))) {
      assertThat(Files.readAllBytes(second.keytab()))
          .as("realm reused, keys unchanged")
          .isEqualTo(keytab);
      second.kinit("admin", Kdc.DEMO_USERS.get("admin"), dir.resolve("admin.cc"));
      assertThat(klist(second, dir.resolve("admin.cc"))).contains("admin@PORTHOLE.TEST");
    }
    assertThat(Ports.isOpen(secondPort)).isFalse();
  }

  @Test
  void masterPasswordNeverReachesTheLogs() throws Exception {
    try (Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"))) {
      kdc.kinit("alice", Kdc.DEMO_USERS.get("alice"), dir.resolve("a.cc"));
    }
    String log = Files.readString(dir.resolve("logs/kdc.log"));
    assertThat(log).contains("commencing operation").doesNotContain(Kdc.DEMO_USERS.get("alice"));
    assertThat(Files.readString(dir.resolve("kdc/kdc.conf"))).doesNotContain("master");
  }

  private static String klist(Kdc kdc, Path ccache) throws IOException {
    return kdc.clientTool(ccache, "klist", "-f");
  }
}
