package org.porthole.stack.demovm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.porthole.stack.kerberos.Kdc;

/**
 * A demo VM's Kerberos identity: its host principal {@code host/<vm>.porthole.test@PORTHOLE.TEST},
 * created in the stack's KDC trusted for delegation (OK-AS-DELEGATE, so a viewer delegating "by
 * policy" forwards the user's TGT to it), and the keytab with its keys, which {@link DemoVm} puts
 * into the guest as {@code /etc/krb5.keytab}. The acceptor in the guest needs only the keytab;
 * {@link #krb5Conf()} names the realm and no KDC.
 *
 * @param spn the service principal, as the guest agent's {@code get-spn} reports it
 * @param keytab the host-side keytab file (0600)
 */
public record GuestKeytab(String spn, Path keytab) {
  /** The DNS domain the demo VMs' principals are named in (never resolved). */
  public static final String DOMAIN = "porthole.test";

  private static final Pattern VM_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** The host principal of the VM named {@code vmName} (a DNS label). */
  public static String spnOf(String vmName) {
    if (!VM_NAME.matcher(vmName).matches()) {
      throw new IllegalArgumentException(
          "a VM name with a principal must be a DNS label: " + vmName);
    }
    return "host/" + vmName + "." + DOMAIN + "@" + Kdc.REALM;
  }

  /**
   * The VM's principal (created or set +ok_as_delegate) and its keytab {@code <dir>/<vm>.keytab}. A
   * keytab there whose keys the KDC still accepts is kept byte for byte, so a persistent VM's image
   * stays the same from one stack start to the next; otherwise it is written anew.
   */
  public static GuestKeytab create(Kdc kdc, String vmName, Path dir) throws IOException {
    String spn = spnOf(vmName);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path keytab = dir.resolve(vmName + ".keytab");
    Path fresh = dir.resolve(vmName + ".keytab.new");
    try {
      // -norandkey: the principal's keys stay what they were; only the flag is (re)set.
      kdc.addService(spn, true, fresh);
      if (!Files.exists(keytab) || !kdc.acceptsKeytab(spn, keytab)) {
        Files.move(
            fresh, keytab, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(fresh);
    }
    return new GuestKeytab(spn, keytab);
  }

  /** The guest's {@code /etc/krb5.conf}: the realm, no KDC (accepting needs none), no DNS. */
  public String krb5Conf() {
    return String.join(
        "\n",
        "# written by porthole-stack: the guest accepts with its keytab and asks no KDC",
        "[libdefaults]",
        " default_realm = " + Kdc.REALM,
        " dns_lookup_kdc = false",
        " dns_lookup_realm = false",
        " rdns = false",
        "");
  }
}
