package org.porthole.sso.gssapi;

import java.io.IOException;
import java.nio.file.Path;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginException;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.TicketCache;

/**
 * A throwaway realm for the GSSAPI tier: the stack's MIT KDC with two guest services, one the realm
 * trusts for delegation and one it does not, their keytabs, and alice's TGTs read from the caches
 * kinit wrote, through JAAS and no file, as the viewer's JVM reads a desktop's cache.
 */
public final class KerberosRealm implements AutoCloseable {
  public static final String GUEST = "host/guest.porthole.test@" + Kdc.REALM;
  public static final String PLAIN = "host/plain.porthole.test@" + Kdc.REALM;
  public static final String ALICE = "alice@" + Kdc.REALM;
  public static final String TGS = "krbtgt/" + Kdc.REALM + "@" + Kdc.REALM;

  private static final String KRB5_CONF = "java.security.krb5.conf";

  private final Kdc kdc;
  private final Path dir;
  private final String previousConf;

  private KerberosRealm(Kdc kdc, Path dir, String previousConf) {
    this.kdc = kdc;
    this.dir = dir;
    this.previousConf = previousConf;
  }

  /** Starts the KDC under {@code dir}, creates both services and points the JVM at the realm. */
  public static KerberosRealm start(Path dir) throws IOException {
    Kdc kdc = Kdc.start(dir.resolve("kdc"), Ports.free(), dir.resolve("logs"));
    try {
      kdc.addService(GUEST, true, keytab(dir, GUEST));
      kdc.addService(PLAIN, false, keytab(dir, PLAIN));
    } catch (IOException | RuntimeException e) {
      kdc.close();
      throw e;
    }
    String previous = System.setProperty(KRB5_CONF, kdc.krb5Conf().toString());
    return new KerberosRealm(kdc, dir, previous);
  }

  private static Path keytab(Path dir, String service) {
    return dir.resolve(service.equals(GUEST) ? "guest.keytab" : "plain.keytab");
  }

  public Kdc kdc() {
    return kdc;
  }

  /** The acceptor's Subject for {@code service}: its keytab, as the guest agent loads it. */
  public Subject acceptor(String service) throws SsoAuthException {
    return GssapiServer.keytabSubject(service, keytab(dir, service));
  }

  /** alice signed in with kinit (forwardable or not), her TGT read from that cache. */
  public Subject alice(boolean forwardable) throws IOException, LoginException {
    String password = Kdc.DEMO_USERS.get("alice");
    Path cache = dir.resolve(forwardable ? "alice.cc" : "alice-not-forwardable.cc");
    if (forwardable) {
      kdc.kinit("alice", password, cache);
    } else {
      kdc.kinitNotForwardable("alice", password, cache);
    }
    return TicketCache.subject(cache, ALICE);
  }

  /** Stops the KDC and restores the JVM's Kerberos configuration. */
  @Override
  public void close() {
    kdc.close();
    if (previousConf == null) {
      System.clearProperty(KRB5_CONF);
    } else {
      System.setProperty(KRB5_CONF, previousConf);
    }
  }
}
